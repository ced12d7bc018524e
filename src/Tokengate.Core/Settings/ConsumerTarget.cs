using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Settings;

/// <summary>A consumer as the settings endpoints see it, from the database or from configuration.</summary>
internal sealed record ConsumerTarget(string Name, string? Group, IReadOnlyList<string> Roles, string Source, DateTimeOffset? Created, DateTimeOffset? Disabled)
{
    public static ConsumerTarget From(ConsumerRecord record) => new(record.Name, record.Group, record.Roles, "database", record.CreatedAt, record.DisabledAt);

    /// <summary>The configured consumer of that name, else the stored one, else null.</summary>
    public static async Task<ConsumerTarget?> FindAsync(string name, ConsumerStore store, GatewayConfiguration configuration, CancellationToken cancellationToken)
    {
        if (configuration.Current.Options.Consumers.TryGetValue(name, out var configured))
        {
            var key = configuration.Current.Options.Consumers.Keys.First(k => k.Equals(name, StringComparison.OrdinalIgnoreCase));
            var roles = configured.Roles.Count > 0 ? configured.Roles.Select(r => r.ToLowerInvariant()).Order(StringComparer.Ordinal).ToArray() : [Tokengate.Identity.Roles.Consumer];
            return new ConsumerTarget(key, configured.Group, roles, "configuration", null, null);
        }
        return await store.FindConsumerAsync(name, cancellationToken).ConfigureAwait(false) is { } record ? From(record) : null;
    }
}
