using System.Text.Json;

namespace Tokengate.Identity;

/// <summary>
/// The small file a running gateway leaves in its data folder (<c>gateway.json</c>) so that the CLI, run next to
/// it, finds its admin API; the operator key sits beside it in <c>operator.key</c> (mode 0600).
/// </summary>
/// <param name="AdminUrl">The admin API's base address, e.g. <c>http://127.0.0.1:5080/admin/</c>.</param>
/// <param name="ProcessId">The gateway's process id.</param>
/// <param name="Instance">A random id of this run, so a stopping gateway removes only its own files.</param>
/// <param name="StartedAt">When it started.</param>
public sealed record GatewayDiscovery(Uri AdminUrl, int ProcessId, string Instance, DateTimeOffset StartedAt)
{
    public const string FileName = "gateway.json";
    public const string KeyFileName = "operator.key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The discovery record in <paramref name="dataDirectory"/>, or null when no gateway has left one.</summary>
    public static async Task<GatewayDiscovery?> ReadAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<GatewayDiscovery>(stream, Json, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
