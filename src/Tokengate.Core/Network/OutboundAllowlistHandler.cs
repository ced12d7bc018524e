using Tokengate.Proxy;

namespace Tokengate.Network;

/// <summary>
/// Checks every request against the allowlist in force now. The connect callback alone would miss requests that
/// reuse a pooled connection opened before a reload removed the host.
/// </summary>
internal sealed class OutboundAllowlistHandler(OutboundHttpClient client) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var host = request.RequestUri?.IdnHost ?? "";
        return client.Allowlist.Allows(host)
            ? base.SendAsync(request, cancellationToken)
            : Task.FromException<HttpResponseMessage>(client.Refuse(host));
    }
}
