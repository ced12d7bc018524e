using System.Net;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>A request of a <see cref="FleetLoad"/> that did not succeed: a status other than 200, or none at all (<paramref name="Status"/> null).</summary>
internal sealed record FleetLoadFailure(int Instance, HttpStatusCode? Status, string Detail)
{
    public override string ToString() => $"instance {Instance}: {(Status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response")} {Detail}";
}
