namespace Tokengate.Priority;

/// <summary>Priority classes (<c>Tokengate:Priority</c>): their names from highest to lowest, and who gets which.</summary>
public sealed class PriorityOptions
{
    /// <summary>The classes, highest first. Default <c>high</c>, <c>normal</c>, <c>low</c>.</summary>
    public List<string> Classes { get; set; } = [];

    /// <summary>The class of a consumer with no class of its own or of its group. Default <c>normal</c> (or the middle class).</summary>
    public string? Default { get; set; }

    /// <summary>Class per consumer name; wins over its group's.</summary>
    public Dictionary<string, string> Consumers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Class per consumer group.</summary>
    public Dictionary<string, string> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The request header a client lowers its class with (never raises it). Default <c>x-tokengate-priority</c>.</summary>
    public string Header { get; set; } = "x-tokengate-priority";

    /// <summary>
    /// Headroom and waiting per class name (see <see cref="PriorityClassOptions"/>); a class not named here keeps its
    /// defaults.
    /// </summary>
    public Dictionary<string, PriorityClassOptions> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The request header (milliseconds) a client shortens its wait in the queue with; it never lengthens it past the
    /// class's <c>MaxWait</c>, and 0 asks for no waiting. Default <c>x-tokengate-max-wait</c>.
    /// </summary>
    public string MaxWaitHeader { get; set; } = "x-tokengate-max-wait";

    /// <summary>The classes in force: the configured list, or the three defaults.</summary>
    internal IReadOnlyList<string> EffectiveClasses => Classes.Count > 0 ? Classes : ["high", "normal", "low"];

    /// <summary>The default class in force.</summary>
    internal string EffectiveDefault => Default ?? (EffectiveClasses.Contains("normal", StringComparer.OrdinalIgnoreCase) ? "normal" : EffectiveClasses[EffectiveClasses.Count / 2]);
}
