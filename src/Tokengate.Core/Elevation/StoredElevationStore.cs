using System.Data.Common;
using Tokengate.Storage;

namespace Tokengate.Elevation;

/// <summary>Elevations in the configured database (SQLite or PostgreSQL); the SQL is the same on both.</summary>
internal sealed class StoredElevationStore(IDatabase database) : IElevationStore
{
    private const string Columns = "id, principal, role, reason, duration_ms, state, requested_at, approved_by, approved_at, expires_at, revoked_by, revoked_at";

    public async Task AddAsync(ElevationRecord r, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO elevations ({Columns}) VALUES (@id, @principal, @role, @reason, @duration, @state, @requested, NULL, NULL, NULL, NULL, NULL)";
        command.AddParameter("@id", r.Id)
            .AddParameter("@principal", r.Principal)
            .AddParameter("@role", r.Role)
            .AddParameter("@reason", r.Reason)
            .AddParameter("@duration", (long)r.Duration.TotalMilliseconds)
            .AddParameter("@state", Name(r.StoredState))
            .AddParameter("@requested", r.RequestedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ElevationRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = @id", c => c.AddParameter("@id", id), cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<ElevationRecord>> ListAsync(string? principal, int limit, CancellationToken cancellationToken) =>
        QueryAsync($"{(principal is null ? "" : "WHERE principal = @principal")} ORDER BY requested_at DESC, id DESC LIMIT @limit",
            c => (principal is null ? c : c.AddParameter("@principal", principal)).AddParameter("@limit", limit), cancellationToken);

    public Task<IReadOnlyList<ElevationRecord>> ActiveAsync(string? principal, CancellationToken cancellationToken) =>
        QueryAsync($"WHERE state = 'active'{(principal is null ? "" : " AND principal = @principal")}",
            c => principal is null ? c : c.AddParameter("@principal", principal), cancellationToken);

    public Task<bool> ApproveAsync(string id, string approvedBy, DateTimeOffset approvedAt, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        UpdateAsync("SET state = 'active', approved_by = @by, approved_at = @at, expires_at = @expires WHERE id = @id AND state = 'pending'",
            c => c.AddParameter("@by", approvedBy).AddParameter("@at", approvedAt.ToUnixTimeMilliseconds())
                .AddParameter("@expires", expiresAt.ToUnixTimeMilliseconds()).AddParameter("@id", id), cancellationToken);

    public Task<bool> RevokeAsync(string id, string revokedBy, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateAsync("SET state = 'revoked', revoked_by = @by, revoked_at = @at WHERE id = @id AND (state = 'pending' OR (state = 'active' AND expires_at > @at))",
            c => c.AddParameter("@by", revokedBy).AddParameter("@at", now.ToUnixTimeMilliseconds()).AddParameter("@id", id), cancellationToken);

    public Task<bool> ExpireAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateAsync("SET state = 'expired' WHERE id = @id AND state = 'active' AND expires_at <= @now",
            c => c.AddParameter("@id", id).AddParameter("@now", now.ToUnixTimeMilliseconds()), cancellationToken);

    private async Task<bool> UpdateAsync(string set, Func<DbCommand, DbCommand> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE elevations " + set;
        parameters(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<IReadOnlyList<ElevationRecord>> QueryAsync(string clause, Func<DbCommand, DbCommand> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM elevations {clause}";
        parameters(command);
        var records = new List<ElevationRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new ElevationRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                TimeSpan.FromMilliseconds(reader.GetInt64(4)),
                Parse(reader.GetString(5)),
                Time(reader, 6)!.Value,
                Text(reader, 7),
                Time(reader, 8),
                Time(reader, 9),
                Text(reader, 10),
                Time(reader, 11)));
        }
        return records;
    }

    private static string? Text(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? Time(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i));

    private static string Name(ElevationState state) => state.ToString().ToLowerInvariant();

    private static ElevationState Parse(string state) => Enum.Parse<ElevationState>(state, ignoreCase: true);
}
