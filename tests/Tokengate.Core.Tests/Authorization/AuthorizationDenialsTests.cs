using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Audit;

namespace Tokengate.Authorization;

public sealed class AuthorizationDenialsTests
{
    [Fact]
    public async Task Record_Flood_OneRecordPerConsumerAndReasonPerWindow_DrainedOnStop()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        var log = new ListAuditLog();
        var denials = new AuthorizationDenials(log, time, NullLogger<AuthorizationDenials>.Instance);
        await denials.StartAsync(default);

        for (var i = 0; i < 1000; i++) denials.Record("app", "scope:gpt-4o:chat", "gpt-4o", "10.0.0.1", "denied");
        denials.Record("app", "role:consumer", "gpt-4o", null, "no role");
        denials.Record("other", "scope:gpt-4o:chat", "gpt-4o", null, "denied");
        time.Advance(AuthorizationDenials.Window);
        denials.Record("app", "scope:gpt-4o:chat", "gpt-4o", null, "denied again");
        await denials.StopAsync(default);

        Assert.Equal(4, log.Records.Count);
        Assert.All(log.Records, r => Assert.Equal(("authorization.denied", "denied"), (r.Action, r.Outcome)));
        Assert.Equal(["denied", "no role", "denied", "denied again"], log.Records.Select(r => r.Detail));
    }

    private sealed class ListAuditLog : IAuditLog
    {
        public List<AuditRecord> Records { get; } = [];

        public ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken)
        {
            Records.Add(record);
            return ValueTask.CompletedTask;
        }

        public Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<AuditRecord>>(Records);
    }
}
