using System.Collections.Frozen;
using Microsoft.Extensions.Primitives;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Priority;

/// <summary>
/// The priority classes compiled for the request path: a consumer's class is its own, else its group's, else the
/// default; a request may name a lower class in the priority header (a higher one keeps the consumer's class, since a
/// class is what the operator granted). An unknown class name in the header is refused with 400.
/// </summary>
internal sealed class PriorityPolicy
{
    private readonly FrozenDictionary<string, PriorityClass> _byName;
    private readonly FrozenDictionary<string, PriorityClass> _consumers;
    private readonly FrozenDictionary<string, PriorityClass> _groups;
    private readonly PriorityClass _default;

    private PriorityPolicy(FrozenDictionary<string, PriorityClass> byName, FrozenDictionary<string, PriorityClass> consumers,
        FrozenDictionary<string, PriorityClass> groups, PriorityClass fallback, string header)
    {
        _byName = byName;
        _consumers = consumers;
        _groups = groups;
        _default = fallback;
        Header = header;
        Lowest = byName.Values.MaxBy(c => c.Rank)!;
    }

    public string Header { get; }

    /// <summary>The lowest class (the highest rank).</summary>
    public PriorityClass Lowest { get; }

    /// <summary>The class of that name (case-insensitive); null when there is none.</summary>
    public PriorityClass? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Every class, highest first.</summary>
    public IReadOnlyList<PriorityClass> Classes => [.. _byName.Values.OrderBy(c => c.Rank)];

    /// <summary>Compiles validated options (names not among the classes are skipped: validation reports them).</summary>
    public static PriorityPolicy Compile(PriorityOptions options)
    {
        var classes = options.EffectiveClasses;
        var byName = classes.Select((name, rank) => new PriorityClass(name, rank)).ToFrozenDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        FrozenDictionary<string, PriorityClass> Map(Dictionary<string, string> names) =>
            names.Where(p => byName.ContainsKey(p.Value)).ToFrozenDictionary(p => p.Key, p => byName[p.Value], StringComparer.OrdinalIgnoreCase);
        var fallback = byName.GetValueOrDefault(options.EffectiveDefault) ?? byName[classes[0]];
        return new PriorityPolicy(byName, Map(options.Consumers), Map(options.Groups), fallback, options.Header);
    }

    /// <summary>The class the consumer was granted.</summary>
    public PriorityClass Granted(Consumer consumer) =>
        _consumers.TryGetValue(consumer.Name, out var own) ? own
        : consumer.Group is not null && _groups.TryGetValue(consumer.Group, out var group) ? group
        : _default;

    /// <summary>The request's class: the granted one, or a lower one the header names; the refusal for an unknown name.</summary>
    public (PriorityClass Class, GatewayError? Error) Resolve(Consumer consumer, StringValues header)
    {
        var granted = Granted(consumer);
        if (StringValues.IsNullOrEmpty(header)) return (granted, null);
        if (!_byName.TryGetValue(header.ToString().Trim(), out var asked))
        {
            return (granted, new GatewayError(400, "invalid_priority",
                $"The header '{Header}' names an unknown priority class; the classes are {string.Join(", ", Classes.Select(c => c.Name))}.", "invalid_request_error", Header));
        }
        return (asked.Rank > granted.Rank ? asked : granted, null);
    }
}
