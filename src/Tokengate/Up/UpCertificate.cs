using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tokengate.Up;

/// <summary>
/// The development TLS certificate of <c>tokengate up</c>, for clients that only connect over TLS (the openai npm
/// package's realtime client opens <c>wss:</c> only): self-signed for <c>127.0.0.1</c> and <c>localhost</c>, kept in
/// the data folder (the key readable by its owner only) and reused until it is within a week of expiring. Clients
/// trust it by trusting its PEM file, e.g. <c>NODE_EXTRA_CA_CERTS</c>.
/// </summary>
internal static class UpCertificate
{
    public const string PemFileName = "dev-tls.pem";
    private const string PfxFileName = "dev-tls.pfx";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(7);

    /// <summary>The certificate in <paramref name="data"/>, created (or renewed) when missing or about to expire.</summary>
    public static X509Certificate2 LoadOrCreate(DirectoryInfo data, TimeProvider time)
    {
        var pfx = Path.Combine(data.FullName, PfxFileName);
        var now = time.GetUtcNow();
        if (File.Exists(pfx))
        {
            try
            {
                var existing = X509CertificateLoader.LoadPkcs12FromFile(pfx, null);
                if (existing.NotAfter.ToUniversalTime() - now.UtcDateTime > RenewBefore) return existing;
                existing.Dispose();
            }
            catch (CryptographicException)
            {
                // Unreadable: replaced below.
            }
        }

        var certificate = CreateLoopback(now, Lifetime);
        File.Delete(pfx);
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(pfx, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(data.FullName, PemFileName), certificate.ExportCertificatePem() + "\n");
        return certificate;
    }

    /// <summary>
    /// A certificate for <c>127.0.0.1</c> and <c>localhost</c> that is its own authority: a client trusts the server by
    /// trusting this certificate.
    /// </summary>
    public static X509Certificate2 CreateLoopback(DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Tokengate up (127.0.0.1)", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(now.AddHours(-1), now + lifetime);
        // Through PKCS#12 so the private key is one the TLS stack can use on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
