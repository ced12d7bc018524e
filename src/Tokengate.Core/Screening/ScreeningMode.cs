namespace Tokengate.Screening;

/// <summary>What a screening policy does with a request.</summary>
public enum ScreeningMode
{
    /// <summary>Nothing is screened; the request costs nothing extra.</summary>
    Off,

    /// <summary>Screened and recorded (metrics, request log); always forwarded.</summary>
    Monitor,

    /// <summary>As <see cref="Monitor"/>, and the response carries the verdict in <c>x-tokengate-screening</c>.</summary>
    Annotate,

    /// <summary>An attack is refused as Azure's prompt filter refuses it (400 <c>content_filter</c>).</summary>
    Block,
}
