using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Logging;
using Tokengate.OpenAI;
using Tokengate.State;

namespace Tokengate.Settings;

/// <summary>
/// Writes managed settings: refuses a part another source owns (409 <c>ConfigurationOwned</c>), builds the configuration
/// the change would give, binds and validates it with the same validators as a start or a file reload (400 with their
/// messages), stores it, puts it in force on this instance before answering (budgets it adds are seeded first), tells
/// the fleet, and audits the attempt whatever its outcome.
/// </summary>
internal sealed class ManagedSettings(
    IConfiguration configuration,
    GatewayConfiguration gatewayConfiguration,
    ManagedSettingsProvider provider,
    ManagedSettingsStore store,
    ManagedSettingsRefresher refresher,
    IStateChangeNotifier notifier,
    IValidateOptions<GatewayOptions> gatewayValidator,
    IValidateOptions<RequestLogOptions> logValidator,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>The error for a part that a file or the environment defines.</summary>
    public static GatewayError Owned(string part, string owner) => new(409, "ConfigurationOwned",
        $"The {part} part is defined by {owner}, which overrides settings made through the admin API; change it there.");

    /// <summary>Where a part comes from: <c>managed</c>, the owning source's name, or null when nothing defines it.</summary>
    public string? SourceOf(IReadOnlyList<string> keys)
    {
        if (SettingsOwnership.Owner(configuration, keys) is { } owner) return owner;
        return keys.Any(k => SettingsOwnership.Defines(provider, k)) ? "managed" : null;
    }

    /// <summary>The managed keys in force now.</summary>
    public IReadOnlyDictionary<string, string?> Values => provider.Values;

    /// <summary>
    /// Validates and applies <paramref name="edits"/> as one change; null on success, else the error to answer with.
    /// With <paramref name="refused"/> (the caller may not make it, the target does not exist) nothing is changed and
    /// the refusal is audited.
    /// </summary>
    public async Task<GatewayError?> ApplyAsync(AuditActor actor, string action, string target, IReadOnlyList<SettingsEdit> edits, GatewayError? refused,
        CancellationToken cancellationToken)
    {
        var error = refused ?? Check(edits);
        if (error is null)
        {
            var set = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var edit in edits)
                foreach (var (k, v) in edit.Values ?? new Dictionary<string, string?>()) set[k] = v;
            await store.ReplaceAsync([.. edits.Select(e => e.Key)], set, actor.Name, cancellationToken).ConfigureAwait(false);
            await refresher.RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
            await notifier.PublishAsync(StateChangeTopics.Settings, cancellationToken).ConfigureAwait(false);
        }
        var detail = string.Join("; ", edits.Select(e => e.Values is null ? $"{e.Label} removed" : $"{e.Label} set"));
        var outcome = error switch
        {
            null => "success",
            { Status: 403 } => "denied",
            _ => "failed",
        };
        // Not the caller's token: if the caller went away, the record is still written.
        await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), actor.Name, action, target, actor.Address, outcome, error?.Message ?? detail), CancellationToken.None).ConfigureAwait(false);
        return error;
    }

    private GatewayError? Check(IReadOnlyList<SettingsEdit> edits)
    {
        foreach (var edit in edits)
        {
            if (SettingsOwnership.Owner(configuration, edit.Owners) is { } owner) return Owned(edit.Label, owner);
        }

        // What configuration would hold after the change: everything in force, less the replaced parts, plus their new keys.
        var candidate = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in configuration.AsEnumerable())
        {
            if (v is not null && !edits.Any(e => SettingsKeys.IsUnder(k, e.Key))) candidate[k] = v;
        }
        foreach (var edit in edits)
            foreach (var (k, v) in edit.Values ?? new Dictionary<string, string?>()) candidate[k] = v;
        var root = new ConfigurationBuilder().AddInMemoryCollection(candidate).Build();

        var errors = new List<string>();
        try
        {
            foreach (var edit in edits.Where(e => e.Values is not null && e.BindsAs is not null))
                _ = root.GetSection(edit.Key).Get(edit.BindsAs!, o => o.ErrorOnUnknownConfiguration = true);
            var gateway = new GatewayOptions();
            root.GetSection(GatewayOptions.SectionName).Bind(gateway);
            var logging = new RequestLogOptions();
            root.GetSection(RequestLogOptions.SectionName).Bind(logging);
            if (gatewayValidator.Validate(Options.DefaultName, gateway) is { Failed: true } g) errors.AddRange(g.Failures);
            // A gateway without any scope lets every key call everything; its first scope makes every consumer without
            // one fall to Access:Default, which is "nothing" unless configured: one console click must not lock everyone out.
            if (gatewayConfiguration.Current.Options.Access.IsUnscoped && !gateway.Access.IsUnscoped && gateway.Access.Default is null)
                errors.Add($"{GatewayOptions.SectionName}:Access: this would be the gateway's first scope, and every consumer without a scope of its own would "
                    + $"lose access; set {GatewayOptions.SectionName}:Access:Default first (for example Deployments ['*'] and Operations ['*']).");
            if (logValidator.Validate(Options.DefaultName, logging) is { Failed: true } l) errors.AddRange(l.Failures);
        }
        catch (InvalidOperationException ex)
        {
            errors.Add(ex.InnerException is { } inner ? $"{ex.Message} {inner.Message}" : ex.Message);
        }
        return errors.Count == 0 ? null : AdminErrors.BadRequest(string.Join(" ", errors));
    }
}
