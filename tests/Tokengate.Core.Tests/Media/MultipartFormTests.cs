using System.Text;
using Tokengate.OpenAI;

namespace Tokengate.Media;

/// <summary>The in-place multipart reader: fields and file offsets, broken framing, and the model rewrite.</summary>
public sealed class MultipartFormTests
{
    private const string Boundary = "----tg-boundary-7MA4YWxkTrZu0gW";

    private static byte[] Form(params (string Name, string? FileName, byte[] Value)[] parts)
    {
        var body = new MemoryStream();
        void Write(string text) => body.Write(Encoding.UTF8.GetBytes(text));
        foreach (var (name, fileName, value) in parts)
        {
            Write($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"");
            if (fileName is not null) Write($"; filename=\"{fileName}\"\r\nContent-Type: application/octet-stream");
            Write("\r\n\r\n");
            body.Write(value);
            Write("\r\n");
        }
        Write($"--{Boundary}--\r\n");
        return body.ToArray();
    }

    private static (string, string?, byte[]) Field(string name, string value) => (name, null, Encoding.UTF8.GetBytes(value));

    [Fact]
    public void Boundary_FromContentType_QuotedOrNot()
    {
        Assert.Equal(Boundary, MultipartForm.Boundary($"multipart/form-data; boundary={Boundary}"));
        Assert.Equal("a b", MultipartForm.Boundary("multipart/form-data; boundary=\"a b\""));
        Assert.Null(MultipartForm.Boundary("application/json"));
        Assert.Null(MultipartForm.Boundary("multipart/form-data"));
        Assert.Null(MultipartForm.Boundary(null));
    }

    [Fact]
    public void TryParse_ReadsFieldsAndWhereTheFileLies()
    {
        var audio = new byte[] { 1, 2, 3, 0x0D, 0x0A, 0x2D, 0x2D, 4 };  // a CRLF and dashes inside the file do not end it
        var body = Form(Field("model", "whisper"), ("file", "speech.wav", audio), Field("prompt", "names: Ana"), Field("stream", "true"), Field("n", "2"),
            Field("size", "1024x1024"), Field("quality", "hd"));

        Assert.True(MultipartForm.TryParse(body, Boundary, out var parsed, out var error), error);

        Assert.Equal("whisper", parsed.Model);
        Assert.Equal("whisper", Encoding.UTF8.GetString(body, parsed.ModelTokenStart, parsed.ModelTokenLength));
        Assert.Equal("speech.wav", parsed.FileName);
        Assert.Equal(audio, body.AsSpan(parsed.FileStart, parsed.FileLength).ToArray());
        Assert.Equal("names: Ana", Encoding.UTF8.GetString(body, parsed.PromptStart, parsed.PromptLength));
        Assert.True(parsed.Stream);
        Assert.Equal(2, parsed.N);
        Assert.Equal("1024x1024", parsed.ImageSize);
        Assert.Equal("hd", parsed.ImageQuality);
    }

    [Theory]
    [InlineData("no boundary at all")]
    [InlineData("--other\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nx\r\n--other--")]
    public void TryParse_WithoutItsBoundary_Refused(string text)
    {
        Assert.False(MultipartForm.TryParse(Encoding.UTF8.GetBytes(text), Boundary, out _, out var error));
        Assert.Contains("boundary", error);
    }

    [Fact]
    public void TryParse_Truncated_Refused()
    {
        var body = Form(Field("model", "whisper"), ("file", "a.wav", new byte[100]));
        Assert.False(MultipartForm.TryParse(body.AsSpan(0, body.Length - 40), Boundary, out _, out var error));
        Assert.Contains("closing boundary", error);
    }

    [Theory]
    [InlineData("stream", "maybe", "'stream'")]
    [InlineData("n", "0", "'n'")]
    [InlineData("n", "999", "'n'")]
    public void TryParse_InvalidField_NamesIt(string name, string value, string expected)
    {
        Assert.False(MultipartForm.TryParse(Form(Field(name, value)), Boundary, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void WithModel_ReplacesTheValue_FormStillReadable()
    {
        var body = Form(Field("model", "whisper"), ("file", "a.mp3", [9, 9, 9]));
        Assert.True(MultipartForm.TryParse(body, Boundary, out var parsed, out _));

        var rewritten = MultipartForm.WithModel(body, parsed, Boundary, "whisper-eu-deployment");

        Assert.True(MultipartForm.TryParse(rewritten, Boundary, out var again, out var error), error);
        Assert.Equal("whisper-eu-deployment", again.Model);
        Assert.Equal(new byte[] { 9, 9, 9 }, rewritten.AsSpan(again.FileStart, again.FileLength).ToArray());
    }

    [Fact]
    public void WithModel_NoModelField_AddsOneFirst()
    {
        var body = Form(("file", "a.mp3", [7]));
        Assert.True(MultipartForm.TryParse(body, Boundary, out var parsed, out _));

        var rewritten = MultipartForm.WithModel(body, parsed, Boundary, "whisper");

        Assert.True(MultipartForm.TryParse(rewritten, Boundary, out var again, out var error), error);
        Assert.Equal("whisper", again.Model);
        Assert.Equal("a.mp3", again.FileName);
    }

    [Theory]
    [InlineData("talk.MP3", true)]
    [InlineData("talk.wav", true)]
    [InlineData("talk.webm", true)]
    [InlineData("talk.txt", false)]
    [InlineData("talk", false)]
    [InlineData(null, false)]
    public void IsAudioFileName_TheServiceList(string? name, bool expected) => Assert.Equal(expected, MultipartForm.IsAudioFileName(name));

    [Fact]
    public void Describe_TextFieldsAndFileSizes_NeverFileBytes()
    {
        var body = Form(Field("model", "whisper"), ("file", "secret.wav", Encoding.UTF8.GetBytes("AUDIO-BYTES-NOT-FOR-LOGS")), Field("prompt", "Ana"));

        var text = Encoding.UTF8.GetString(MultipartForm.Describe(body, Boundary));

        Assert.Equal("""{"model":"whisper","file":{"filename":"secret.wav","bytes":24},"prompt":"Ana"}""", text);
    }
}
