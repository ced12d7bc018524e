using System.Security.Cryptography;
using System.Text;
using Tokengate.Logging;

namespace Tokengate.Logging;

public sealed class RequestLogFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tokengate-logfile-");

    [Fact]
    public void Write_ThenRead_RoundTrips_AndTheFileHoldsNoPlaintext()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var path = Path.Combine(_dir.FullName, "full-1.tglog");
        var text = Encoding.UTF8.GetBytes("{\"request\":\"the lighthouse keeper's question\"}\n");
        RequestLogFile.Write(path, key, text);

        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan().IndexOf("lighthouse"u8) < 0);
        Assert.Equal(text, RequestLogFile.Read(path, key));
    }

    [Fact]
    public void Read_WrongKeyOrTampered_Throws()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var path = Path.Combine(_dir.FullName, "full-2.tglog");
        RequestLogFile.Write(path, key, "secret text"u8);

        Assert.Contains("another key", Assert.Throws<InvalidOperationException>(() => RequestLogFile.Read(path, RandomNumberGenerator.GetBytes(32))).Message, StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Throws<InvalidOperationException>(() => RequestLogFile.Read(path, key));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
