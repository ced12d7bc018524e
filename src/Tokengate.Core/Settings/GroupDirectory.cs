using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Logging;

namespace Tokengate.Settings;

/// <summary>
/// Every consumer group named anywhere: configured and stored consumers' groups, the group entries of every policy
/// section, and the group descriptions (<c>Tokengate:Groups</c>); with their members.
/// </summary>
internal sealed class GroupDirectory(GatewayConfiguration configuration, RequestLogPolicies logging, ConsumerStore store)
{
    /// <summary>Group name → members (configured and enabled stored consumers), ordered by name.</summary>
    public async Task<SortedDictionary<string, List<string>>> ListAsync(CancellationToken cancellationToken)
    {
        var options = configuration.Current.Options;
        var groups = new SortedDictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        void Name(string group)
        {
            if (!groups.ContainsKey(group)) groups[group] = [];
        }
        void Member(string? group, string consumer)
        {
            if (group is null) return;
            Name(group);
            groups[group].Add(consumer);
        }
        foreach (var (name, consumer) in options.Consumers) Member(consumer.Group, name);
        foreach (var record in await store.ListConsumersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.DisabledAt is null) Member(record.Group, record.Name);
        }
        foreach (var name in options.Groups.Keys
            .Concat(options.Access.Groups.Keys)
            .Concat(options.Limits.Groups.Keys)
            .Concat(options.Budgets.Groups.Keys)
            .Concat(options.Screening.Groups.Keys)
            .Concat(logging.Current.Groups.Keys)) Name(name);
        foreach (var members in groups.Values) members.Sort(StringComparer.OrdinalIgnoreCase);
        return groups;
    }

    public string? Description(string group) =>
        configuration.Current.Options.Groups.TryGetValue(group, out var options) && !string.IsNullOrEmpty(options.Description) ? options.Description : null;
}
