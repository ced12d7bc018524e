using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace Tokengate.Files;

/// <summary>
/// Checks a JSONL upload line by line as its bytes stream past, before it is stored for a purpose that needs JSONL:
/// UTF-8 without a byte order mark, each line one JSON object, the fields each purpose needs (fine-tune: a
/// non-empty <c>messages</c> array; batch: a unique string <c>custom_id</c>, <c>method</c>, <c>url</c> and a
/// <c>body</c> naming one <c>model</c> for the whole file), and the caps on lines. Since a form may name its purpose
/// after its file, the facts for both purposes are gathered in one pass and judged once the purpose is known; the
/// first error names its line. Only the line being read is held (at most <see cref="MaxLineBytes"/>).
/// </summary>
internal sealed class JsonlInspector : IDisposable
{
    /// <summary>Longest line accepted.</summary>
    public const int MaxLineBytes = 8 * 1024 * 1024;

    /// <summary>Most requests in one batch file (the service's limit).</summary>
    public const int MaxBatchLines = 100_000;

    private byte[] _line = ArrayPool<byte>.Shared.Rent(4096);
    private int _lineLength;
    private long _lineNumber;
    private bool _started;
    private readonly HashSet<string> _customIds = new(StringComparer.Ordinal);
    private string? _model;

    /// <summary>Lines that held a JSON value, counted up to the first format error (no purpose accepts the file then).</summary>
    public long Lines { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>The first error of any kind (framing, JSON): every JSONL purpose refuses it.</summary>
    private string? _formatError;
    private string? _fineTuneError;
    private string? _batchError;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (!_started && data.Length > 0)
        {
            _started = true;
            if (data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
                _formatError ??= "Line 1: the file starts with a UTF-8 byte order mark; save it as UTF-8 without one.";
        }
        Bytes += data.Length;
        // A format error refuses the file for every JSONL purpose and other purposes do not look at the lines, so the
        // rest need no reading: a binary file (a PDF for assistants) fails on its first line and then costs nothing.
        if (_formatError is not null) return;
        while (!data.IsEmpty)
        {
            var end = data.IndexOf((byte)'\n');
            var piece = end < 0 ? data : data[..end];
            AddToLine(piece);
            if (end < 0) return;
            EndLine();
            data = data[(end + 1)..];
        }
    }

    /// <summary>Judges the whole file for <paramref name="purpose"/>: null when it may be stored, else the error naming its line.</summary>
    public string? Complete(string purpose)
    {
        if (_lineLength > 0) EndLine();
        if (_formatError is not null) return _formatError;
        if (Lines == 0) return "The file has no lines: a JSONL file holds one JSON object per line.";
        return purpose switch
        {
            FilePurposes.FineTune => _fineTuneError,
            FilePurposes.Batch => _batchError ?? (Lines > MaxBatchLines ? $"The batch file has {Lines} requests; at most {MaxBatchLines} are allowed." : null),
            _ => null,
        };
    }

    public void Dispose()
    {
        if (_line.Length > 0) ArrayPool<byte>.Shared.Return(_line);
        _line = [];
    }

    private void AddToLine(ReadOnlySpan<byte> piece)
    {
        if (piece.IsEmpty) return;
        if (_lineLength + piece.Length > MaxLineBytes)
        {
            _formatError ??= $"Line {_lineNumber + 1}: longer than {MaxLineBytes} bytes.";
            _lineLength = 0;  // keep counting lines, without holding the rest
            return;
        }
        if (_lineLength + piece.Length > _line.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_line.Length * 2, _lineLength + piece.Length));
            _line.AsSpan(0, _lineLength).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_line);
            _line = larger;
        }
        piece.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += piece.Length;
    }

    private void EndLine()
    {
        _lineNumber++;
        var line = _line.AsSpan(0, _lineLength).TrimEnd((byte)'\r');
        _lineLength = 0;
        if (line.Trim(" \t"u8).IsEmpty) return;
        Lines++;
        if (_formatError is not null) return;
        if (!Utf8.IsValid(line))
        {
            _formatError = $"Line {_lineNumber}: not valid UTF-8.";
            return;
        }
        try
        {
            Inspect(line);
        }
        catch (JsonException)
        {
            _formatError = $"Line {_lineNumber}: not valid JSON.";
        }
    }

    private void Inspect(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            _formatError = $"Line {_lineNumber}: each line must be one JSON object.";
            return;
        }
        var hasMessages = false;
        string? customId = null, method = null, url = null, model = null;
        var hasBody = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("messages"u8))
            {
                reader.Read();
                hasMessages = reader.TokenType == JsonTokenType.StartArray && HasItems(ref reader);
                if (reader.TokenType != JsonTokenType.EndArray) reader.Skip();
            }
            else if (reader.ValueTextEquals("custom_id"u8)) customId = ReadString(ref reader);
            else if (reader.ValueTextEquals("method"u8)) method = ReadString(ref reader);
            else if (reader.ValueTextEquals("url"u8)) url = ReadString(ref reader);
            else if (reader.ValueTextEquals("body"u8))
            {
                reader.Read();
                hasBody = reader.TokenType == JsonTokenType.StartObject;
                if (hasBody) model = ReadModel(ref reader);
                else reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (reader.Read()) throw new JsonException();  // more than one value on the line

        if (!hasMessages) _fineTuneError ??= $"Line {_lineNumber}: a fine-tuning example needs a non-empty 'messages' array.";
        if (_batchError is not null) return;
        if (customId is null) _batchError = $"Line {_lineNumber}: a batch request needs a string 'custom_id'.";
        else if (!_customIds.Add(customId)) _batchError = $"Line {_lineNumber}: the custom_id '{Truncate(customId)}' is used twice; each request needs its own.";
        else if (!string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase)) _batchError = $"Line {_lineNumber}: 'method' must be \"POST\".";
        else if (string.IsNullOrEmpty(url)) _batchError = $"Line {_lineNumber}: a batch request needs a 'url'.";
        else if (!hasBody || model is null) _batchError = $"Line {_lineNumber}: a batch request needs a 'body' object with a 'model'.";
        else if (_model is null) _model = model;
        else if (!string.Equals(_model, model, StringComparison.Ordinal))
            _batchError = $"Line {_lineNumber}: the model '{Truncate(model)}' differs from '{Truncate(_model)}'; a batch file serves one model.";
    }

    private static bool HasItems(ref Utf8JsonReader reader)
    {
        var any = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            any = true;
            reader.Skip();
        }
        return any;
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String) return reader.GetString();
        reader.Skip();
        return null;
    }

    private static string? ReadModel(ref Utf8JsonReader reader)
    {
        string? model = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8)) model = ReadString(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return model;
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
