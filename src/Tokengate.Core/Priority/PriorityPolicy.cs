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

    /// <summary>Default of <see cref="PriorityClassOptions.MaxQueuedPerConsumer"/>.</summary>
    public const int DefaultMaxQueuedPerConsumer = 16;

    /// <summary>Default of <see cref="PriorityClassOptions.ProvisionedUtilizationPercent"/> for the lowest class.</summary>
    public const double LowestClassUtilizationPercent = 70;

    /// <summary>Default of <see cref="PriorityClassOptions.MaxWait"/> for the lowest class.</summary>
    public static readonly TimeSpan LowestClassMaxWait = TimeSpan.FromSeconds(30);

    private PriorityPolicy(FrozenDictionary<string, PriorityClass> byName, FrozenDictionary<string, PriorityClass> consumers,
        FrozenDictionary<string, PriorityClass> groups, PriorityClass fallback, string header, string maxWaitHeader)
    {
        _byName = byName;
        _consumers = consumers;
        _groups = groups;
        _default = fallback;
        Header = header;
        MaxWaitHeader = maxWaitHeader;
        Ordered = [.. byName.Values.OrderBy(c => c.Rank)];
        Lowest = byName.Values.MaxBy(c => c.Rank)!;
    }

    public string Header { get; }

    /// <summary>The header a client shortens its wait with (milliseconds).</summary>
    public string MaxWaitHeader { get; }

    /// <summary>Every class, highest first (index = rank).</summary>
    public IReadOnlyList<PriorityClass> Ordered { get; }

    /// <summary>The lowest class (the highest rank).</summary>
    public PriorityClass Lowest { get; }

    /// <summary>The class of that name (case-insensitive); null when there is none.</summary>
    public PriorityClass? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Every class, highest first.</summary>
    public IReadOnlyList<PriorityClass> Classes => Ordered;

    /// <summary>Compiles validated options (names not among the classes are skipped: validation reports them).</summary>
    public static PriorityPolicy Compile(PriorityOptions options)
    {
        var classes = options.EffectiveClasses;
        var byName = classes.Select((name, rank) => Class(name, rank, classes.Count, options.Policies.GetValueOrDefault(name)))
            .ToFrozenDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        FrozenDictionary<string, PriorityClass> Map(Dictionary<string, string> names) =>
            names.Where(p => byName.ContainsKey(p.Value)).ToFrozenDictionary(p => p.Key, p => byName[p.Value], StringComparer.OrdinalIgnoreCase);
        var fallback = byName.GetValueOrDefault(options.EffectiveDefault) ?? byName[classes[0]];
        return new PriorityPolicy(byName, Map(options.Consumers), Map(options.Groups), fallback, options.Header, options.MaxWaitHeader);
    }

    /// <summary>
    /// One class with its headroom defaults: the highest uses provisioned capacity up to 100% and spills; the lowest
    /// keeps below 70% and waits up to 30 s; those between keep to the pool's spillover threshold and spill.
    /// </summary>
    private static PriorityClass Class(string name, int rank, int count, PriorityClassOptions? options)
    {
        var highest = rank == 0;
        var lowest = !highest && rank == count - 1;
        return new PriorityClass(name, rank)
        {
            ProvisionedUtilizationPercent = options?.ProvisionedUtilizationPercent ?? (highest ? 100 : lowest ? LowestClassUtilizationPercent : null),
            WhenFull = options?.WhenFull ?? (lowest ? WhenFull.Wait : WhenFull.Spill),
            MaxWait = options?.MaxWait ?? (lowest ? LowestClassMaxWait : TimeSpan.Zero),
            MaxQueuedPerConsumer = options?.MaxQueuedPerConsumer ?? DefaultMaxQueuedPerConsumer,
        };
    }

    /// <summary>
    /// How long a request of <paramref name="priority"/> may wait: the class's <c>MaxWait</c>, shortened by the
    /// client's header (milliseconds); zero when it may not wait; the refusal for a header that is no number.
    /// </summary>
    public (TimeSpan MaxWait, GatewayError? Error) MaxWait(PriorityClass priority, StringValues header)
    {
        if (priority.MaxWait <= TimeSpan.Zero || StringValues.IsNullOrEmpty(header)) return (priority.MaxWait, null);
        if (!long.TryParse(header.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms))
        {
            return (TimeSpan.Zero, new GatewayError(400, "invalid_max_wait",
                $"The header '{MaxWaitHeader}' must be a whole number of milliseconds.", "invalid_request_error", MaxWaitHeader));
        }
        var asked = TimeSpan.FromMilliseconds(Math.Min(ms, (long)TimeSpan.MaxValue.TotalMilliseconds / 2));
        return (asked < priority.MaxWait ? asked : priority.MaxWait, null);
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
