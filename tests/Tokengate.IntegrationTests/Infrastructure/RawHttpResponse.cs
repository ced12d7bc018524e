using System.Text.Json;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>A response read off the wire; <see cref="Status"/> null when the server closed without answering.</summary>
internal sealed record RawHttpResponse(int? Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static RawHttpResponse NoAnswer { get; } = new(null, new Dictionary<string, string>(), "");

    /// <summary>The <c>error</c> object of an Azure-shaped body; fails the test when the body is not one.</summary>
    public JsonElement AzureError()
    {
        Assert.Equal("application/json", Headers.TryGetValue("Content-Type", out var type) ? type.Split(';')[0] : null);
        using var document = JsonDocument.Parse(Body);
        var error = document.RootElement.GetProperty("error").Clone();
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("code").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        return error;
    }
}
