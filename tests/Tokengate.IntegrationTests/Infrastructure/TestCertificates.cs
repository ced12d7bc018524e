using System.Security.Cryptography.X509Certificates;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>Self-signed certificates for a test server on loopback, for clients that only speak TLS.</summary>
internal static class TestCertificates
{
    /// <summary>
    /// A certificate for <c>127.0.0.1</c> and <c>localhost</c>, valid for a day, that is its own authority: a client
    /// trusts the server by trusting this certificate (its PEM).
    /// </summary>
    public static X509Certificate2 Loopback() => UpCertificate.CreateLoopback(DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
}
