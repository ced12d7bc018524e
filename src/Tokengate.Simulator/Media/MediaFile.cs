namespace Tokengate.Simulator.Media;

/// <summary>One file part of a multipart request: its form field name, the client's file name, and its bytes.</summary>
internal sealed record MediaFile(string Name, string FileName, string? ContentType, byte[] Content);
