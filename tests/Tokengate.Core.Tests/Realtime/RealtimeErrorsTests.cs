using System.Text;
using System.Text.Json;

namespace Tokengate.Realtime;

public sealed class RealtimeErrorsTests
{
    [Fact]
    public void CloseReason_Short_Unchanged() => Assert.Equal("budget spent", RealtimeErrors.CloseReason("budget spent"));

    [Fact]
    public void CloseReason_Long_CutTo123BytesOutsideAnyUtf8Sequence()
    {
        var reason = RealtimeErrors.CloseReason("budget spent: daily budget of consumer '" + new string('é', 100) + "' (10 USD)");

        Assert.True(Encoding.UTF8.GetByteCount(reason) <= RealtimeErrors.MaxCloseReasonBytes);
        Assert.EndsWith("...", reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', reason);
    }

    [Fact]
    public void Event_ServiceShape()
    {
        using var json = JsonDocument.Parse(RealtimeErrors.Event("server_error", "upstream_disconnected", "lost"));
        var root = json.RootElement;

        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.StartsWith("event_", root.GetProperty("event_id").GetString(), StringComparison.Ordinal);
        var error = root.GetProperty("error");
        Assert.Equal(("server_error", "upstream_disconnected", "lost"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString(), error.GetProperty("message").GetString()));
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }
}
