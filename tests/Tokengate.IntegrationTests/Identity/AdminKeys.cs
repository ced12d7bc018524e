using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Identity;

/// <summary>Admin API calls as the local operator of a <see cref="TestUp"/> gateway, and clients from chosen loopback addresses.</summary>
internal static class AdminKeys
{
    /// <summary>A client carrying the operator key the gateway wrote into its data folder.</summary>
    public static HttpClient Operator(TestUp up)
    {
        var client = new HttpClient { BaseAddress = new Uri(up.Endpoint, "admin/") };
        client.DefaultRequestHeaders.Add("api-key", File.ReadAllText(Path.Combine(up.DataDirectory, GatewayDiscovery.KeyFileName)).Trim());
        return client;
    }

    /// <summary>Creates consumer <paramref name="name"/> and one key for it; returns the key's id and value.</summary>
    public static async Task<(string Id, string Key)> CreateConsumerWithKeyAsync(HttpClient admin, string name, string? expires = null)
    {
        using (var consumer = await admin.PostAsJsonAsync("consumers", new { name }))
            Assert.Equal(HttpStatusCode.Created, consumer.StatusCode);
        return await CreateKeyAsync(admin, name, expires);
    }

    public static async Task<(string Id, string Key)> CreateKeyAsync(HttpClient admin, string consumer, string? expires = null)
    {
        using var response = await admin.PostAsJsonAsync($"consumers/{consumer}/keys", new { expires });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Issued(await response.Content.ReadAsStringAsync());
    }

    public static (string Id, string Key) Issued(string json)
    {
        using var body = JsonDocument.Parse(json);
        return (body.RootElement.GetProperty("id").GetString()!, body.RootElement.GetProperty("key").GetString()!);
    }

    public static async Task<HttpStatusCode> ChatStatusAsync(HttpClient client, string key)
    {
        using var response = await client.SendAsync(GatewayRequests.Chat("gpt-4o", key));
        return response.StatusCode;
    }

    /// <summary>A client whose connections come from <paramref name="localAddress"/> (any of 127.0.0.0/8 works on loopback).</summary>
    public static HttpClient From(string localAddress, Uri endpoint) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = endpoint };
}
