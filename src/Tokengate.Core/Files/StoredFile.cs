namespace Tokengate.Files;

/// <summary>A file in the gateway's store, as its catalog row says.</summary>
/// <param name="Id">The gateway's id (<c>file-…</c>), the name of its blob and of its data key.</param>
/// <param name="Consumer">Its owner: no other consumer can see it (404).</param>
/// <param name="Purpose">One of <see cref="FilePurposes.All"/>.</param>
/// <param name="Filename">The name the client gave it.</param>
/// <param name="Bytes">Size of the plain bytes.</param>
/// <param name="Sha256">Hex digest of the plain bytes.</param>
/// <param name="Lines">Lines of a JSONL file (0 for other content).</param>
/// <param name="TokenEstimate">A size-based estimate of its tokens (JSONL), for admission of the jobs that use it.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="ExpiresAt">When it is deleted by itself (<c>expires_after</c>), if ever.</param>
internal sealed record StoredFile(
    string Id, string Consumer, string Purpose, string Filename, long Bytes, string Sha256, long Lines, long TokenEstimate,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);
