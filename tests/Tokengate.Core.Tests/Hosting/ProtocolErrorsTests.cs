using Microsoft.AspNetCore.Http;

namespace Tokengate.Hosting;

public sealed class ProtocolErrorsTests
{
    [Theory]
    [InlineData(400, 400, "invalid_request_error")]
    [InlineData(408, 408, "408")]
    [InlineData(413, 413, "RequestEntityTooLarge")]
    public void TryFromBodyFault_KestrelBadRequest_ItsStatus(int thrown, int status, string code)
    {
        Assert.True(ProtocolErrors.TryFromBodyFault(new BadHttpRequestException("Kestrel's reason.", thrown), 1024, out var error));

        Assert.Equal(status, error.Status);
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void TryFromBodyFault_413WithoutAGatewayLimit_KestrelsReason()
    {
        Assert.True(ProtocolErrors.TryFromBodyFault(new BadHttpRequestException("Request body too large.", 413), bodyLimit: null, out var error));

        Assert.Equal(413, error.Status);
        Assert.Equal("Request body too large.", error.Message);
    }

    [Fact]
    public void TryFromBodyFault_ChunkSizeOverflow_400()
    {
        var kestrels = new IOException("Bad chunk size data.", new OverflowException());

        Assert.True(ProtocolErrors.TryFromBodyFault(kestrels, 1024, out var error));

        Assert.Equal(400, error.Status);
        Assert.Equal("Bad chunk size data.", error.Message);
    }

    [Fact]
    public void TryFromBodyFault_OtherFailures_NotTheClients()
    {
        Assert.False(ProtocolErrors.TryFromBodyFault(new IOException("upstream broke"), 1024, out _));
        Assert.False(ProtocolErrors.TryFromBodyFault(new InvalidOperationException("bug", new OverflowException()), 1024, out _));
        Assert.False(ProtocolErrors.TryFromBodyFault(new HttpRequestException("refused"), 1024, out _));
    }

    [Theory]
    [InlineData(404, "404", "Resource not found")]
    [InlineData(405, "405", "Method Not Allowed")]
    [InlineData(401, "401", "Unauthorized")]
    public void ForEmptyStatus_CodeAndMessage(int status, string code, string message)
    {
        var error = ProtocolErrors.ForEmptyStatus(status);

        Assert.Equal((status, code, message), (error.Status, error.Code, error.Message));
    }
}
