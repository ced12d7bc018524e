using Tokengate.Configuration;
using Tokengate.Routing;

namespace Tokengate.FineTuning;

/// <summary>
/// Where files and fine-tuning jobs live on a backend. They belong to the resource, not to a deployment: Azure's
/// classic resource routes (<c>{resource}/openai/files?api-version=</c>, <c>/openai/fine_tuning/jobs…</c>) with the
/// backend's api-version, or on an OpenAI-protocol backend the paths under its base URL (<c>files</c>,
/// <c>fine_tuning/jobs</c>).
/// </summary>
internal static class FineTuningUpstream
{
    /// <summary>The backend's Files API, or one file on it.</summary>
    public static Uri Files(Backend backend, string? fileId = null) =>
        Build(backend, fileId is null ? "files" : "files/" + Uri.EscapeDataString(fileId), null);

    /// <summary>The backend's jobs, one job, or a call on it (<c>events</c>, <c>checkpoints</c>, <c>cancel</c>, <c>pause</c>, <c>resume</c>), with the consumer's query (<c>after</c>, <c>limit</c>).</summary>
    public static Uri Jobs(Backend backend, string? jobId = null, string? action = null, string? query = null)
    {
        var path = "fine_tuning/jobs";
        if (jobId is not null) path += "/" + Uri.EscapeDataString(jobId);
        if (action is not null) path += "/" + action;
        return Build(backend, path, query);
    }

    private static Uri Build(Backend backend, string path, string? query)
    {
        var relative = backend.Protocol == BackendProtocol.AzureOpenAI
            ? $"openai/{path}?api-version={Uri.EscapeDataString(backend.ApiVersion)}"
            : path;
        if (!string.IsNullOrEmpty(query)) relative += (relative.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query.TrimStart('?');
        return new Uri(backend.BaseUri, relative);
    }
}
