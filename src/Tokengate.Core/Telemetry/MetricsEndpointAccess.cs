namespace Tokengate.Telemetry;

/// <summary>Who may scrape the Prometheus endpoint.</summary>
public enum MetricsEndpointAccess
{
    /// <summary>Principals with the <c>reader</c> role or higher (a gateway key or bearer token on the scrape).</summary>
    Reader,

    /// <summary>Anyone connecting from a loopback address (a scraper or sidecar on the same machine); others get 404.</summary>
    Loopback,

    /// <summary>Anyone who can reach the gateway. Only behind a network boundary that already restricts it.</summary>
    Open,

    /// <summary>No scrape endpoint (use OTLP instead).</summary>
    Disabled,
}
