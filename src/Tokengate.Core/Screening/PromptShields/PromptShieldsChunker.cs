using System.Security.Cryptography;
using System.Text;

namespace Tokengate.Screening.PromptShields;

/// <summary>
/// Cuts what a request asks to screen into pieces within Azure's input limits and packs the pieces into calls: one
/// user prompt piece per call, documents packed in order, five to a call and 10,000 characters at most.
/// </summary>
internal static class PromptShieldsChunker
{
    /// <summary>Azure's limit on <c>userPrompt</c>, and on one document, in characters (UTF-16 code units).</summary>
    public const int MaxChars = 10_000;

    /// <summary>Azure's limit on documents per call.</summary>
    public const int MaxDocuments = 5;

    /// <summary>The pieces of <paramref name="texts"/>, in order; empty or blank texts have none.</summary>
    public static List<ShieldPiece> Pieces(IReadOnlyList<string> texts, bool documents)
    {
        var pieces = new List<ShieldPiece>();
        foreach (var text in texts)
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            for (var start = 0; start < text.Length;)
            {
                var length = Math.Min(MaxChars, text.Length - start);
                // Never cut a surrogate pair: both halves would be sent as broken text.
                if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1])) length--;
                var piece = text.Substring(start, length);
                pieces.Add(new ShieldPiece(piece, documents, Key(piece, documents)));
                start += length;
            }
        }

        return pieces;
    }

    /// <summary>The calls that screen <paramref name="user"/> and <paramref name="documents"/>, as few as the limits allow.</summary>
    public static List<ShieldCall> Plan(IReadOnlyList<ShieldPiece> user, IReadOnlyList<ShieldPiece> documents)
    {
        var batches = new List<List<ShieldPiece>>();
        List<ShieldPiece>? current = null;
        var chars = 0;
        foreach (var document in documents)
        {
            if (current is null || current.Count == MaxDocuments || chars + document.Text.Length > MaxChars)
            {
                current = [];
                batches.Add(current);
                chars = 0;
            }

            current.Add(document);
            chars += document.Text.Length;
        }

        var calls = new List<ShieldCall>(Math.Max(user.Count, batches.Count));
        for (var i = 0; i < Math.Max(user.Count, batches.Count); i++)
        {
            calls.Add(new ShieldCall(i < user.Count ? user[i] : null, i < batches.Count ? batches[i] : []));
        }

        return calls;
    }

    private static string Key(string text, bool document)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return (document ? "d:" : "u:") + Convert.ToHexString(hash);
    }
}
