using System.Text;

namespace Tokengate.Files;

/// <summary>The line-by-line JSONL check: each purpose's rules, errors naming their line, lines split across reads.</summary>
public sealed class JsonlInspectorTests
{
    private static string? Check(string purpose, string content, int chunk = 7)
    {
        using var inspector = new JsonlInspector();
        var bytes = Encoding.UTF8.GetBytes(content);
        for (var at = 0; at < bytes.Length; at += chunk) inspector.Append(bytes.AsSpan(at, Math.Min(chunk, bytes.Length - at)));
        return inspector.Complete(purpose);
    }

    private const string Example = """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}""";

    private static string Request(string id, string model = "gpt-4o-mini") =>
        $$$"""{"custom_id":"{{{id}}}","method":"POST","url":"/chat/completions","body":{"model":"{{{model}}}","messages":[{"role":"user","content":"hi"}]}}""";

    [Fact]
    public void FineTune_ValidExamples_SplitAcrossReads_Accepted()
    {
        Assert.Null(Check(FilePurposes.FineTune, Example + "\n" + Example + "\r\n" + Example));
    }

    [Fact]
    public void Batch_ValidRequests_Accepted_AndCountsLines()
    {
        using var inspector = new JsonlInspector();
        inspector.Append(Encoding.UTF8.GetBytes(Request("a") + "\n" + Request("b") + "\n\n"));
        Assert.Null(inspector.Complete(FilePurposes.Batch));
        Assert.Equal(2, inspector.Lines);
    }

    [Fact]
    public void ByteOrderMark_RefusedOnLine1()
    {
        Assert.StartsWith("Line 1:", Check(FilePurposes.Batch, "\uFEFF" + Request("a"), chunk: 2));
    }

    [Fact]
    public void DuplicateCustomId_NamesTheSecondLine()
    {
        var error = Check(FilePurposes.Batch, Request("a") + "\n" + Request("b") + "\n" + Request("a"));
        Assert.StartsWith("Line 3:", error);
        Assert.Contains("custom_id 'a'", error);
    }

    [Fact]
    public void TwoModelsInOneBatch_Refused()
    {
        Assert.StartsWith("Line 2:", Check(FilePurposes.Batch, Request("a") + "\n" + Request("b", "gpt-4o")));
    }

    [Theory]
    [InlineData("{\"messages\":[]}", "Line 1:")]
    [InlineData(Example + "\n{not json}", "Line 2: not valid JSON")]
    [InlineData(Example + "\n[1,2]", "Line 2: each line must be one JSON object")]
    [InlineData(Example + "\n{\"a\":1} {\"b\":2}", "Line 2: not valid JSON")]
    public void FineTune_BadLines_NameTheLine(string content, string expected)
    {
        Assert.StartsWith(expected, Check(FilePurposes.FineTune, content));
    }

    [Fact]
    public void InvalidUtf8_NamesTheLine()
    {
        using var inspector = new JsonlInspector();
        inspector.Append(Encoding.UTF8.GetBytes(Example + "\n"));
        inspector.Append([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        Assert.StartsWith("Line 2: not valid UTF-8", inspector.Complete(FilePurposes.FineTune));
    }

    [Fact]
    public void FineTuneFile_IsNotABatchFile()
    {
        Assert.Null(Check(FilePurposes.FineTune, Example));
        Assert.StartsWith("Line 1: a batch request needs a string 'custom_id'", Check(FilePurposes.Batch, Example));
    }

    [Fact]
    public void BinaryContent_RefusedOnItsFirstLine_RestNotNeeded()
    {
        using var inspector = new JsonlInspector();
        var random = new Random(3);
        var binary = new byte[200_000];
        random.NextBytes(binary);
        binary[10] = (byte)'\n';
        inspector.Append(binary);
        // After the first error, valid lines change nothing: every JSONL purpose still gets the first error.
        inspector.Append(Encoding.UTF8.GetBytes("\n" + Example + "\n" + Request("a") + "\n"));
        Assert.Equal(200_000 + Encoding.UTF8.GetByteCount("\n" + Example + "\n" + Request("a") + "\n"), inspector.Bytes);
        Assert.StartsWith("Line 1:", inspector.Complete(FilePurposes.FineTune));
        Assert.StartsWith("Line 1:", inspector.Complete(FilePurposes.Batch));
    }

    [Fact]
    public void Empty_Refused()
    {
        Assert.NotNull(Check(FilePurposes.FineTune, ""));
    }
}
