namespace Tokengate.Operations;

/// <summary>What a request of an operation carries.</summary>
internal enum BodyKind
{
    /// <summary>No body (GET, DELETE, and POSTs such as cancel).</summary>
    None,

    /// <summary>One JSON object, read once into pooled memory.</summary>
    Json,

    /// <summary>
    /// <c>multipart/form-data</c> (an upload with its form fields), read once within the upload limit
    /// (<c>Forwarding:MaxUploadBytes</c>) and scanned in place for the fields the gateway needs.
    /// </summary>
    Multipart,

    /// <summary>Bytes of any content type (multipart, audio), read once within the size limit and forwarded as they are.</summary>
    Raw,
}
