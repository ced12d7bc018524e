using System.Buffers;
using System.Security.Cryptography;
using Tokengate.Audit;
using Tokengate.OpenAI;

namespace Tokengate.Identity;

/// <summary>
/// The consumer and key operations behind the admin API and the CLI: validates input, changes the store, refreshes
/// this instance's key lookup before answering (so a created key works and a revoked key is refused at once), and
/// writes one audit record per attempt, whatever its outcome. Every operation on a consumer is refused (403, audited
/// as <c>denied</c>) unless <see cref="ConsumerTargetPolicy"/> lets the caller act on that consumer; the check sits
/// here rather than in each endpoint so no path to a consumer's keys can leave it out.
/// </summary>
internal sealed class ConsumerAdministration(ConsumerStore store, ConsumerDirectory directory, IAuditLog audit, TimeProvider time)
{
    public const string KeyPrefix = "tg_";
    private const int VisiblePrefixLength = 8;
    private const int MaxNameLength = 64;
    private static readonly SearchValues<char> NameCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    public async Task<AdminResult<ConsumerRecord>> CreateConsumerAsync(
        AdminCaller caller, string? name, string? group, IReadOnlyList<string>? roles, CancellationToken cancellationToken)
    {
        var granted = roles is { Count: > 0 } ? roles.Select(r => r.Trim().ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToArray() : [Roles.Consumer];
        var error = CheckName(name, "name") ?? CheckName(group, "group", optional: true) ?? CheckRoles(granted)
            ?? ConsumerTargetPolicy.Check(caller, name!, granted);
        if (error is null && IsReserved(name!))
            error = AdminErrors.Conflict($"Consumer '{name}' is defined in configuration (or reserved); manage it there.");

        // Names are compared without regard to case everywhere policies are looked up: "ALICE" would share alice's.
        if (error is null && await store.FindConsumerIgnoringCaseAsync(name!, cancellationToken).ConfigureAwait(false) is { } existing)
            error = AdminErrors.Conflict($"Consumer '{existing.Name}' already exists (names are compared without regard to case).");
        AdminResult<ConsumerRecord> result = error ?? (AdminResult<ConsumerRecord>)new ConsumerRecord(name!, group, granted, time.GetUtcNow());
        if (result.Value is { } record && !await store.TryCreateConsumerAsync(record, cancellationToken).ConfigureAwait(false))
            result = AdminErrors.Conflict($"Consumer '{name}' already exists.");
        return await AuditAsync(caller.Actor, "consumer.created", name, result, result.Value is { } r ? $"group {r.Group ?? "(none)"}, roles {string.Join(',', r.Roles)}" : null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AdminResult<ConsumerRecord>> DisableConsumerAsync(AdminCaller caller, string name, CancellationToken cancellationToken)
    {
        AdminResult<ConsumerRecord> result;
        if (IsReserved(name)) result = AdminErrors.Conflict($"Consumer '{name}' is defined in configuration (or reserved); manage it there.");
        else if (await store.FindConsumerAsync(name, cancellationToken).ConfigureAwait(false) is not { } existing) result = AdminErrors.NotFound($"Consumer '{name}' does not exist.");
        else if (ConsumerTargetPolicy.Check(caller, name, existing.Roles) is { } refused) result = refused;
        else if (existing.DisabledAt is not null) result = AdminErrors.Conflict($"Consumer '{name}' is already disabled.");
        else
        {
            result = (await store.DisableConsumerAsync(name, cancellationToken).ConfigureAwait(false))!;
            await directory.PublishChangeAsync(cancellationToken).ConfigureAwait(false);
        }
        return await AuditAsync(caller.Actor, "consumer.disabled", name, result, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves a stored consumer to another group (null or empty: none). Its keys are looked up again at once, so its next
    /// request is counted against the new group's limits and budgets and runs under its policies.
    /// </summary>
    public async Task<AdminResult<ConsumerRecord>> MoveConsumerAsync(AdminCaller caller, string name, string? group, CancellationToken cancellationToken)
    {
        AdminResult<ConsumerRecord> result;
        group = string.IsNullOrEmpty(group) ? null : group;
        if (IsReserved(name)) result = AdminErrors.Conflict($"Consumer '{name}' is defined in configuration (or reserved); manage it there.");
        else if (CheckName(group, "group", optional: true) is { } bad) result = bad;
        else if (await store.FindConsumerAsync(name, cancellationToken).ConfigureAwait(false) is not { } existing) result = AdminErrors.NotFound($"Consumer '{name}' does not exist.");
        else if (ConsumerTargetPolicy.Check(caller, name, existing.Roles) is { } refused) result = refused;
        else
        {
            result = (await store.UpdateGroupAsync(name, group, cancellationToken).ConfigureAwait(false))!;
            await directory.PublishChangeAsync(cancellationToken).ConfigureAwait(false);
        }
        return await AuditAsync(caller.Actor, "consumer.group.changed", name, result, result.Value is { } r ? $"group {r.Group ?? "(none)"}" : null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Issues a new key for <paramref name="consumer"/>; <paramref name="expires"/> is optional: a duration from now (<c>30d</c>) or an ISO-8601 time.</summary>
    public async Task<AdminResult<IssuedKey>> CreateKeyAsync(AdminCaller caller, string consumer, string? expires, CancellationToken cancellationToken)
    {
        var result = await IssueAsync(caller, consumer, expires, cancellationToken).ConfigureAwait(false);
        return await AuditAsync(caller.Actor, "key.created", result.Value?.Record.Id ?? consumer, result, KeyDetail(result.Value), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Issues the successor of key <paramref name="id"/> for the same consumer. The old key keeps working until it is
    /// revoked, or until <paramref name="grace"/> (a duration) has passed when one is given.
    /// </summary>
    public async Task<AdminResult<IssuedKey>> RotateKeyAsync(AdminCaller caller, string id, string? expires, string? grace, CancellationToken cancellationToken)
    {
        AdminResult<IssuedKey> result;
        TimeSpan graceDuration = default;
        var old = await store.FindKeyAsync(id, cancellationToken).ConfigureAwait(false);
        if (old is null) result = AdminErrors.NotFound($"Key '{id}' does not exist.");
        else if (await RefusalAsync(caller, old.Consumer, cancellationToken).ConfigureAwait(false) is { } refused) result = refused;
        else if (!old.IsActive(time.GetUtcNow())) result = AdminErrors.Conflict($"Key '{id}' is {old.Status(time.GetUtcNow())}; only an active key can be rotated.");
        else if (grace is not null && !DurationText.TryParse(grace, out graceDuration))
            result = AdminErrors.BadRequest($"'grace' must be a duration such as 30m, 12h or 7d (was '{grace}').");
        else
        {
            result = await IssueAsync(caller, old.Consumer, expires, cancellationToken).ConfigureAwait(false);
            if (result.Value is not null && grace is not null)
            {
                await store.ShortenExpiryAsync(id, time.GetUtcNow() + graceDuration, cancellationToken).ConfigureAwait(false);
                await directory.PublishChangeAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        var detail = result.Value is { } issued ? $"successor {issued.Record.Id}" + (grace is null ? "; old key valid until revoked" : $"; old key valid for {grace}") : null;
        return await AuditAsync(caller.Actor, "key.rotated", id, result, detail, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AdminResult<KeyRecord>> RevokeKeyAsync(AdminCaller caller, string id, CancellationToken cancellationToken)
    {
        AdminResult<KeyRecord> result;
        if (await store.FindKeyAsync(id, cancellationToken).ConfigureAwait(false) is not { } existing) result = AdminErrors.NotFound($"Key '{id}' does not exist.");
        else if (await RefusalAsync(caller, existing.Consumer, cancellationToken).ConfigureAwait(false) is { } refused) result = refused;
        else if (!await store.RevokeKeyAsync(id, cancellationToken).ConfigureAwait(false)) result = AdminErrors.Conflict($"Key '{id}' is already revoked.");
        else
        {
            await directory.PublishChangeAsync(cancellationToken).ConfigureAwait(false);
            result = (await store.FindKeyAsync(id, cancellationToken).ConfigureAwait(false))!;
        }
        return await AuditAsync(caller.Actor, "key.revoked", id, result, result.Value is { } k ? $"consumer {k.Consumer}, prefix {k.Prefix}" : null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes sure <paramref name="key"/> is an active key of consumer <paramref name="consumer"/> (created with the
    /// consumer role if missing), importing it when it is new. False when the key was revoked or expired: it must be replaced.
    /// </summary>
    public async Task<bool> EnsureKeyAsync(AuditActor actor, string consumer, string key, CancellationToken cancellationToken)
    {
        var hash = Hex(key);
        if (await store.FindKeyByHashAsync(hash, cancellationToken).ConfigureAwait(false) is { } existing)
            return existing.Consumer == consumer && existing.IsActive(time.GetUtcNow());

        await store.TryCreateConsumerAsync(new ConsumerRecord(consumer, null, [Roles.Consumer], time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        var record = NewRecord(consumer, key, null);
        var outcome = await store.TryCreateKeyAsync(record, hash, cancellationToken).ConfigureAwait(false);
        AdminResult<IssuedKey> result = outcome == KeyCreationOutcome.Created
            ? new IssuedKey(record, key)
            : AdminErrors.Conflict(outcome == KeyCreationOutcome.TooManyActiveKeys
                ? $"Consumer '{consumer}' already has {ConsumerStore.MaxActiveKeys} active keys; revoke one before importing another."
                : $"Consumer '{consumer}' is disabled.");
        await directory.PublishChangeAsync(cancellationToken).ConfigureAwait(false);
        await AuditAsync(actor, "key.imported", record.Id, result, KeyDetail(result.Value), cancellationToken).ConfigureAwait(false);
        if (result.Error is not null) throw new InvalidOperationException(result.Error.Message);
        return true;
    }

    private async Task<AdminResult<IssuedKey>> IssueAsync(AdminCaller caller, string consumer, string? expires, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? expiresAt = null;
        if (expires is not null)
        {
            if (!DurationText.TryParseMoment(expires, now, +1, out var at))
                return AdminErrors.BadRequest($"'expires' must be a duration such as 30d or an ISO-8601 time such as 2030-01-31T00:00:00Z (was '{expires}').");
            if (at <= now) return AdminErrors.BadRequest($"'expires' must be in the future (was '{expires}').");
            expiresAt = at;
        }
        if (IsReserved(consumer)) return AdminErrors.Conflict($"Consumer '{consumer}' is defined in configuration (or reserved); its keys are managed there.");
        if (await store.FindConsumerAsync(consumer, cancellationToken).ConfigureAwait(false) is not { } owner) return AdminErrors.NotFound($"Consumer '{consumer}' does not exist.");
        if (ConsumerTargetPolicy.Check(caller, consumer, owner.Roles) is { } refused) return refused;
        if (owner.DisabledAt is not null) return AdminErrors.Conflict($"Consumer '{consumer}' is disabled.");

        var key = ConsumerKeys.Generate(KeyPrefix);
        var record = NewRecord(consumer, key, expiresAt);
        switch (await store.TryCreateKeyAsync(record, Hex(key), cancellationToken).ConfigureAwait(false))
        {
            case KeyCreationOutcome.TooManyActiveKeys:
                return AdminErrors.Conflict($"Consumer '{consumer}' already has {ConsumerStore.MaxActiveKeys} active keys; revoke one before creating another.");
            case KeyCreationOutcome.UnknownConsumer:
                return AdminErrors.NotFound($"Consumer '{consumer}' does not exist.");
        }
        await directory.PublishChangeAsync(cancellationToken).ConfigureAwait(false);
        return new IssuedKey(record, key);
    }

    /// <summary>The 403 when <paramref name="caller"/> may not act on the owner of a key, else null.</summary>
    private async Task<GatewayError?> RefusalAsync(AdminCaller caller, string consumer, CancellationToken cancellationToken)
    {
        var owner = await store.FindConsumerAsync(consumer, cancellationToken).ConfigureAwait(false);
        // A key whose consumer cannot be read is treated as an admin's: when in doubt, only those who could grant
        // anything may touch it.
        return ConsumerTargetPolicy.Check(caller, consumer, owner?.Roles ?? [Roles.Admin]);
    }

    private KeyRecord NewRecord(string consumer, string key, DateTimeOffset? expiresAt) =>
        new("key_" + RandomNumberGenerator.GetHexString(16, lowercase: true), consumer, key[..Math.Min(VisiblePrefixLength, key.Length)], time.GetUtcNow(), expiresAt, null);

    private async Task<AdminResult<T>> AuditAsync<T>(AuditActor actor, string action, string? target, AdminResult<T> result, string? detail, CancellationToken cancellationToken)
        where T : class
    {
        var outcome = result.Error switch
        {
            null => "success",
            { Status: 403 } => "denied",
            _ => "failed",
        };
        // Not the caller's token: if the caller went away, the record is still written.
        await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), actor.Name, action, target, actor.Address, outcome, result.Error?.Message ?? detail), CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    private bool IsReserved(string name) =>
        string.Equals(name, LocalOperatorCredential.ConsumerName, StringComparison.OrdinalIgnoreCase) || directory.ConfiguredConsumers().Contains(name);

    private static string? KeyDetail(IssuedKey? issued) => issued is null ? null
        : $"consumer {issued.Record.Consumer}, prefix {issued.Record.Prefix}" + (issued.Record.ExpiresAt is { } e ? $", expires {e:O}" : "");

    /// <summary>Null when <paramref name="value"/> is a valid consumer or group name (1 to 64 letters, digits, '.', '_', '-'), else the 400.</summary>
    public static GatewayError? CheckName(string? value, string field, bool optional = false)
    {
        if (string.IsNullOrEmpty(value)) return optional ? null : AdminErrors.BadRequest($"'{field}' is required.");
        return value.Length <= MaxNameLength && !value.AsSpan().ContainsAnyExcept(NameCharacters)
            ? null
            : AdminErrors.BadRequest($"'{field}' must be 1 to {MaxNameLength} letters, digits, '.', '_' or '-'.");
    }

    private static GatewayError? CheckRoles(IReadOnlyList<string> roles)
    {
        var unknown = roles.FirstOrDefault(r => !Roles.All.Contains(r));
        return unknown is null ? null : AdminErrors.BadRequest($"Unknown role '{unknown}'; roles are {string.Join(", ", Roles.All)}.");
    }

    private static string Hex(string key)
    {
        Span<char> hex = stackalloc char[64];
        KeyHash.ComputeHex(key, hex);
        return new string(hex);
    }
}
