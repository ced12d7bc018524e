using Tokengate.Configuration;
using Tokengate.Routing;

namespace Tokengate.Batches;

/// <summary>
/// Where a batch deployment's files and batches live: they belong to the resource, not the deployment. Azure's classic
/// resource routes (<c>{resource}/openai/files?api-version=</c>, <c>/openai/batches…</c>) with the backend's api-version,
/// or on an OpenAI-protocol backend the paths under its base URL (<c>files</c>, <c>batches</c>), as for fine-tuning.
/// </summary>
internal static class AzureBatchUpstream
{
    /// <summary>The backend's Files API, or one file on it.</summary>
    public static Uri Files(Backend backend, string? fileId = null) =>
        Build(backend, fileId is null ? "files" : "files/" + Uri.EscapeDataString(fileId));

    /// <summary>One file's bytes.</summary>
    public static Uri FileContent(Backend backend, string fileId) => Build(backend, "files/" + Uri.EscapeDataString(fileId) + "/content");

    /// <summary>The backend's batches, one batch, or a call on it (<c>cancel</c>).</summary>
    public static Uri Batches(Backend backend, string? batchId = null, string? action = null)
    {
        var path = "batches";
        if (batchId is not null) path += "/" + Uri.EscapeDataString(batchId);
        if (action is not null) path += "/" + action;
        return Build(backend, path);
    }

    private static Uri Build(Backend backend, string path) => new(backend.BaseUri, backend.Protocol == BackendProtocol.AzureOpenAI
        ? $"openai/{path}?api-version={Uri.EscapeDataString(backend.ApiVersion)}"
        : path);
}
