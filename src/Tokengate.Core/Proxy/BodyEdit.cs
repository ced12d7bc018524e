namespace Tokengate.Proxy;

/// <summary>Replace <see cref="Length"/> bytes at <see cref="Offset"/> of a body with <see cref="Replacement"/> (0 length: insert).</summary>
internal readonly record struct BodyEdit(int Offset, int Length, byte[] Replacement)
{
    public int Delta => Replacement.Length - Length;
}
