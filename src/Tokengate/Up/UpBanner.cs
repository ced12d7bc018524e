using System.Text;

namespace Tokengate.Up;

/// <summary>What <c>tokengate up</c> prints: where to point a client, with what key, and a request to paste.</summary>
internal static class UpBanner
{
    public static string Render(UpEnvironment up)
    {
        var endpoint = up.Gateway.Endpoint.ToString().TrimEnd('/');
        var text = new StringBuilder();
        text.AppendLine("Tokengate is up.");
        text.AppendLine();
        text.AppendLine($"  Endpoint     {endpoint}");
        if (up.TlsEndpoint is { } tls)
            text.AppendLine($"  TLS          {tls.ToString().TrimEnd('/')}  (self-signed: trust {up.CertificatePem}, e.g. NODE_EXTRA_CA_CERTS)");
        text.AppendLine($"  API key      {up.DevKey}");
        text.AppendLine($"               (consumer '{UpEnvironment.DevConsumer}'; kept in {Path.Combine(up.DataDirectory.FullName, "dev-consumer.key")})");
        text.AppendLine($"  Deployments  {UpEnvironment.ChatDeployment} (alias '{UpEnvironment.ChatAlias}'), {UpEnvironment.EmbeddingsDeployment} (alias '{UpEnvironment.EmbeddingsAlias}')");
        text.AppendLine($"               {string.Join(", ", UpEnvironment.MediaDeployments.Select(d => d.Deployment))}");
        text.AppendLine("  Backends     (simulated)");
        foreach (var b in up.Backends)
        {
            var role = b.Spec.Type == Simulator.SimulatedDeploymentType.Provisioned ? "provisioned, tried first" : "pay-as-you-go overflow";
            text.AppendLine($"               {b.Spec.Name,-22} {b.Spec.Region,-16} {role}");
        }
        text.AppendLine();
        text.AppendLine("Try it:");
        text.AppendLine($"  curl -s \"{endpoint}/openai/deployments/{UpEnvironment.ChatDeployment}/chat/completions?api-version=2024-10-21\" \\");
        text.AppendLine($"    -H \"api-key: {up.DevKey}\" -H \"content-type: application/json\" \\");
        text.AppendLine("    -d '{\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],\"max_tokens\":20}'");
        text.AppendLine();
        text.AppendLine($"  Azure OpenAI SDKs: endpoint {endpoint}, key above, deployment {UpEnvironment.ChatDeployment}");
        text.AppendLine($"  OpenAI SDKs:       base URL {endpoint}/openai/v1/, key above, model {UpEnvironment.ChatDeployment}");
        if (up.TlsEndpoint is { } secure)
            text.AppendLine($"  Realtime (wss):    {secure.ToString().TrimEnd('/')}/openai/v1/realtime?model=gpt-realtime, or {endpoint.Replace("http:", "ws:", StringComparison.Ordinal)}/openai/v1/realtime?model=gpt-realtime");
        text.AppendLine();
        text.AppendLine($"  Console:           {endpoint}/console (sign in with the operator key in");
        text.AppendLine($"                     {Path.Combine(up.DataDirectory.FullName, Identity.GatewayDiscovery.KeyFileName)}, valid while this runs)");
        text.AppendLine("  Admin commands:    tokengate keys|consumers|audit|usage|backends, run from this folder");
        text.AppendLine();
        text.AppendLine("Press Ctrl+C to stop.");
        return text.ToString();
    }
}
