using System.Net;
using System.Text.Json;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Admin;

/// <summary>
/// Least privilege on every admin route that targets a consumer, through real HTTP: each route × each caller role ×
/// no / active / expired elevation (to operator and to admin) × each target role, for gateway keys and for JWTs.
/// The expected answer is worked out here from the rule (admin acts on anyone; operator, however it got the role,
/// only on consumers holding nothing but <c>consumer</c>; others on nobody), not taken from the gateway's code.
/// </summary>
public sealed class ConsumerTargetMatrixTests(ConsumerTargetFixture fixture) : IClassFixture<ConsumerTargetFixture>
{
    private static readonly string[] RoutesUnderTest = ["create-consumer", "disable-consumer", "create-key", "rotate-key", "revoke-key"];
    private static readonly string[] Credentials = ["key", "jwt"];
    private static readonly string[] Elevations = ["none", "operator-active", "operator-expired", "admin-active", "admin-expired"];

    public static TheoryData<string, string, string, string, string> Cells()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var route in RoutesUnderTest)
            foreach (var credential in Credentials)
                foreach (var caller in Roles.All)
                    foreach (var elevation in Elevations)
                        foreach (var target in Roles.All)
                            data.Add(route, credential, caller, elevation, target);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Route_CallerAgainstTarget_AllowedOrRefusedWith403AndAudit(string route, string credentialType, string callerRole, string elevation, string targetRole)
    {
        var cell = fixture.NextCell();
        var callerName = $"caller-{cell}";
        var targetName = $"target-{cell}";

        var credential = credentialType == "key"
            ? "key:" + (await fixture.ConsumerWithKeyAsync(callerName, callerRole)).Key
            : "jwt:" + fixture.Issuer.Token(new Dictionary<string, object> { ["azp"] = callerName, ["roles"] = new[] { callerRole } });

        string? elevatedRole = null;
        if (elevation != "none")
        {
            var (role, window) = elevation.Split('-') is [var r, var s] ? (r, s) : throw new ArgumentException(elevation);
            await fixture.ElevateAsync(credential, role);
            // The window is one minute: at its end the role is gone, though the caller's credential is unchanged.
            if (window == "expired") fixture.Time.Advance(TimeSpan.FromMinutes(1));
            else elevatedRole = role;
        }

        string? targetKeyId = null;
        if (route != "create-consumer") targetKeyId = (await fixture.ConsumerWithKeyAsync(targetName, targetRole)).Id;

        var (method, path, body, success, action) = route switch
        {
            "create-consumer" => (HttpMethod.Post, "admin/consumers", (object?)new { name = targetName, roles = new[] { targetRole } }, HttpStatusCode.Created, "consumer.created"),
            "disable-consumer" => (HttpMethod.Delete, $"admin/consumers/{targetName}", null, HttpStatusCode.OK, "consumer.disabled"),
            "create-key" => (HttpMethod.Post, $"admin/consumers/{targetName}/keys", null, HttpStatusCode.Created, "key.created"),
            "rotate-key" => (HttpMethod.Post, $"admin/keys/{targetKeyId}/rotate", null, HttpStatusCode.Created, "key.rotated"),
            _ => (HttpMethod.Post, $"admin/keys/{targetKeyId}/revoke", null, HttpStatusCode.OK, "key.revoked"),
        };
        var auditTarget = route is "rotate-key" or "revoke-key" ? targetKeyId : targetName;

        using var response = await fixture.SendAsync(credential, method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        var audit = await fixture.AuditOfAsync(callerName);
        var state = await StateAsync(targetName, targetKeyId);

        var effective = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { callerRole };
        if (elevatedRole is not null) effective.Add(elevatedRole);
        var isAdmin = effective.Contains(Roles.Admin);
        var reachesRoute = isAdmin || effective.Contains(Roles.Operator);
        var allowed = isAdmin || (reachesRoute && targetRole == Roles.Consumer);
        var context = $"{route} by {credentialType} {callerRole} ({elevation}) on {targetRole}: {(int)response.StatusCode} {text}";

        if (allowed)
        {
            Assert.True(response.StatusCode == success, context);
            if (route is "create-key" or "rotate-key")
            {
                using var issued = JsonDocument.Parse(text);
                Assert.StartsWith(ConsumerAdministration.KeyPrefix, issued.RootElement.GetProperty("key").GetString(), StringComparison.Ordinal);
                // A created key is audited under its own id (the consumer is in the detail).
                if (route == "create-key") auditTarget = issued.RootElement.GetProperty("id").GetString();
            }
            Assert.Contains(audit, r => r.Action == action && r.Target == auditTarget && r.Outcome == "success");
            Assert.Equal(Changed(route), state);
            return;
        }

        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "PermissionDenied");
        Assert.DoesNotContain(ConsumerAdministration.KeyPrefix, text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"key\"", text, StringComparison.Ordinal);
        // Below operator the route's role requirement refuses before the body is read; at operator and above the
        // target rule refuses, naming the action and its target. Either way the refusal is in the audit log.
        if (reachesRoute)
            Assert.Contains(audit, r => r.Action == action && r.Target == auditTarget && r.Outcome == "denied" && r.Detail!.Contains($"consumer '{targetName}'", StringComparison.Ordinal));
        else
            await fixture.AuditedFailureAsync(callerName, r => r.Action == "authorization.denied" && r.Target == $"{method} /{path}" && r.Outcome == "denied");
        Assert.DoesNotContain(await fixture.AuditOfAsync(callerName), r => r.Action == action && r.Outcome == "success");
        Assert.Equal(Unchanged(route), state);
    }

    // What can be seen of the target afterwards: whether it exists, is disabled, how many keys it has, whether its
    // first key was revoked.
    private async Task<(bool Exists, bool Disabled, int Keys, bool FirstKeyRevoked)> StateAsync(string target, string? firstKey)
    {
        var consumer = await fixture.Store.FindConsumerAsync(target, default);
        if (consumer is null) return (false, false, 0, false);
        var keys = await fixture.Store.ListKeysAsync(target, default);
        return (true, consumer.DisabledAt is not null, keys.Count, keys.Any(k => k.Id == firstKey && k.RevokedAt is not null));
    }

    private static (bool, bool, int, bool) Unchanged(string route) => route == "create-consumer" ? (false, false, 0, false) : (true, false, 1, false);

    private static (bool, bool, int, bool) Changed(string route) => route switch
    {
        "create-consumer" => (true, false, 0, false),
        "disable-consumer" => (true, true, 1, false),
        "create-key" or "rotate-key" => (true, false, 2, false),
        _ => (true, false, 1, true),
    };
}
