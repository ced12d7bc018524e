using Tokengate.Logging;

namespace Tokengate.Logging;

public sealed class PatternRedactorTests
{
    [Fact]
    public void RedactText_BuiltInAndConfiguredPatterns_AreReplaced()
    {
        var options = new RequestLogOptions { RedactionPatterns = { ["ticket"] = @"TICKET-\d+" } };
        var redactor = new PatternRedactor(options);
        var text = redactor.RedactText("Mail bob.smith@example.org, card 4111 1111 1111 1111, key sk-abcdefghijklmnop1234, password=hunter2, TICKET-42, max 40 tokens.");

        Assert.DoesNotContain("example.org", text, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-abcdef", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("TICKET-42", text, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:email]", text, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:card]", text, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:ticket]", text, StringComparison.Ordinal);
        Assert.Contains("max 40 tokens.", text, StringComparison.Ordinal);
        Assert.Equal(text, redactor.Redact("Mail bob.smith@example.org, card 4111 1111 1111 1111, key sk-abcdefghijklmnop1234, password=hunter2, TICKET-42, max 40 tokens."));
    }

    [Fact]
    public void PolicyFor_ConsumerWinsOverGroup_WhichWinsOverDefault()
    {
        var options = new RequestLogOptions
        {
            DefaultPolicy = RequestLogPolicy.Metadata,
            Groups = { ["team"] = RequestLogPolicy.Full },
            Consumers = { ["quiet"] = RequestLogPolicy.Off },
        };
        Assert.Equal(RequestLogPolicy.Off, RequestLogMiddleware.PolicyFor(options, "quiet", "team"));
        Assert.Equal(RequestLogPolicy.Full, RequestLogMiddleware.PolicyFor(options, "other", "team"));
        Assert.Equal(RequestLogPolicy.Metadata, RequestLogMiddleware.PolicyFor(options, "other", null));
    }
}
