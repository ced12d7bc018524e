using Tokengate.Authorization;
using Tokengate.Files;
using Tokengate.FineTuning;
using Tokengate.Hosting;
using Tokengate.OpenAI;

namespace Tokengate.Operations;

/// <summary>
/// Every operation the gateway serves, one descriptor each. The route table, scope checks, telemetry names and the
/// documentation's list of operations (docs/operations-served.md, checked against this list by a test) come from here.
/// </summary>
internal static class OperationRegistry
{
    private const string Get = "GET";
    private const string Post = "POST";
    private const string Delete = "DELETE";

    public static readonly OperationDescriptor ChatCompletions = new()
    {
        Name = "chat.completions",
        Scope = ScopeOperations.Chat,
        TelemetryName = "chat",
        AzureName = "chatCompletion",
        Routes = ModelRoutes(Post, "chat/completions"),
        Prompt = PromptShape.Messages,
        OutputBoundFields = ["max_completion_tokens", "max_tokens"],
        AsksForStreamUsage = true,
        TakesServiceTier = true,
        Usage = UsageShape.Completions,
        Upstream = new("chat/completions", AzureDeploymentInPath: true, "chat/completions"),
    };

    public static readonly OperationDescriptor Completions = new()
    {
        Name = "completions",
        Scope = ScopeOperations.Completions,
        TelemetryName = "text_completion",
        AzureName = "completion",
        Routes = ModelRoutes(Post, "completions"),
        Prompt = PromptShape.Inputs,
        OutputBoundFields = ["max_tokens"],
        AsksForStreamUsage = true,
        Usage = UsageShape.Completions,
        Upstream = new("completions", AzureDeploymentInPath: true, "completions"),
    };

    public static readonly OperationDescriptor Embeddings = new()
    {
        Name = "embeddings",
        Scope = ScopeOperations.Embeddings,
        TelemetryName = "embeddings",
        AzureName = "embeddings",
        Routes = ModelRoutes(Post, "embeddings"),
        Prompt = PromptShape.Inputs,
        Usage = UsageShape.Completions,
        Upstream = new("embeddings", AzureDeploymentInPath: true, "embeddings"),
    };

    public static readonly OperationDescriptor ResponsesCreate = new()
    {
        Name = "responses.create",
        Scope = ScopeOperations.Responses,
        TelemetryName = "generate_content",
        AzureName = "responses",
        Routes = ResponsesRoutes(Post, "responses"),
        Deployment = DeploymentSource.Model,
        Prompt = PromptShape.ResponseItems,
        OutputBoundFields = ["max_output_tokens"],
        TakesServiceTier = true,
        Usage = UsageShape.Responses,
        Affinity = AffinityRole.Creates,
        Upstream = new("openai/v1/responses", AzureDeploymentInPath: false, "responses"),
    };

    public static readonly OperationDescriptor ResponsesGet = Stored("responses.get", Get, "responses/{id}");

    public static readonly OperationDescriptor ResponsesDelete = Stored("responses.delete", Delete, "responses/{id}");

    public static readonly OperationDescriptor ResponsesCancel = Stored("responses.cancel", Post, "responses/{id}/cancel");

    public static readonly OperationDescriptor ResponsesInputItems = Stored("responses.input_items", Get, "responses/{id}/input_items");

    public static readonly OperationDescriptor ResponsesInputTokens = new()
    {
        Name = "responses.input_tokens",
        Scope = ScopeOperations.Responses,
        TelemetryName = "responses.input_tokens",
        AzureName = "responses",
        Routes = ResponsesRoutes(Post, "responses/input_tokens"),
        Deployment = DeploymentSource.Model,
        Metered = false,
        Upstream = new("openai/v1/responses/input_tokens", AzureDeploymentInPath: false, "responses/input_tokens"),
    };

    public static readonly OperationDescriptor ImagesGenerations = new()
    {
        Name = "images.generations",
        Scope = ScopeOperations.Images,
        TelemetryName = "image_generation",
        AzureName = "imageGeneration",
        Routes = ModelRoutes(Post, "images/generations"),
        Prompt = PromptShape.Inputs,
        Usage = UsageShape.Media,
        Measures = MeasuredUsage.Images,
        Upstream = new("images/generations", AzureDeploymentInPath: true, "images/generations"),
    };

    public static readonly OperationDescriptor ImagesEdits = new()
    {
        Name = "images.edits",
        Scope = ScopeOperations.Images,
        TelemetryName = "image_edit",
        AzureName = "imageEdit",
        Routes = ModelRoutes(Post, "images/edits"),
        Body = BodyKind.Multipart,
        Prompt = PromptShape.FormText,
        Usage = UsageShape.Media,
        Measures = MeasuredUsage.Images,
        Upstream = new("images/edits", AzureDeploymentInPath: true, "images/edits"),
    };

    public static readonly OperationDescriptor AudioTranscriptions = Transcribing("audio.transcriptions", "transcription", "audio/transcriptions");

    public static readonly OperationDescriptor AudioTranslations = Transcribing("audio.translations", "translation", "audio/translations");

    public static readonly OperationDescriptor AudioSpeech = new()
    {
        Name = "audio.speech",
        Scope = ScopeOperations.Audio,
        TelemetryName = "speech",
        AzureName = "speech",
        Routes = ModelRoutes(Post, "audio/speech"),
        Prompt = PromptShape.Inputs,
        Usage = UsageShape.Media,
        Measures = MeasuredUsage.Characters,
        Upstream = new("audio/speech", AzureDeploymentInPath: true, "audio/speech"),
    };

    /// <summary>
    /// A realtime session over WebSocket: the deployment in the query (<c>deployment</c> on the preview route,
    /// <c>model</c> on v1), relayed frame by frame, metered by its server events as the session goes.
    /// </summary>
    public static readonly OperationDescriptor Realtime = new()
    {
        Name = "realtime",
        Scope = ScopeOperations.Realtime,
        TelemetryName = "realtime",
        AzureName = "realtime",
        Routes =
        [
            new(RouteFamily.AzureClassic, Get, "/openai/realtime"),
            new(RouteFamily.AzureV1, Get, "/openai/v1/realtime"),
            new(RouteFamily.OpenAI, Get, "/v1/realtime"),
        ],
        Body = BodyKind.None,
        Deployment = DeploymentSource.Query,
        Usage = UsageShape.Realtime,
        WebSocket = true,
        Upstream = new("openai/v1/realtime", AzureDeploymentInPath: false, "realtime"),
    };

    /// <summary>
    /// An ephemeral client secret for a browser's WebRTC session (the deployment in the body's <c>session.model</c>):
    /// refused to metered consumers, since the session would bypass the gateway (see docs/realtime.md).
    /// </summary>
    public static readonly OperationDescriptor RealtimeClientSecrets = new()
    {
        Name = "realtime.client_secrets",
        Scope = ScopeOperations.Realtime,
        TelemetryName = "realtime.client_secrets",
        AzureName = "realtime",
        Routes =
        [
            new(RouteFamily.AzureV1, Post, "/openai/v1/realtime/client_secrets"),
            new(RouteFamily.OpenAI, Post, "/v1/realtime/client_secrets"),
        ],
        Deployment = DeploymentSource.SessionModel,
        Metered = false,
        MintsCredential = true,
        Upstream = new("openai/v1/realtime/client_secrets", AzureDeploymentInPath: false, "realtime/client_secrets"),
    };

    public static readonly OperationDescriptor FilesCreate = FileCall("files.create", Post, "files", FilesApi.CreateFileAsync);

    public static readonly OperationDescriptor FilesList = FileCall("files.list", Get, "files", FilesApi.ListFilesAsync);

    public static readonly OperationDescriptor FilesGet = FileCall("files.get", Get, "files/{id}", FilesApi.GetFileAsync);

    public static readonly OperationDescriptor FilesContent = FileCall("files.content", Get, "files/{id}/content", FilesApi.GetFileContentAsync);

    public static readonly OperationDescriptor FilesDelete = FileCall("files.delete", Delete, "files/{id}", FilesApi.DeleteFileAsync);

    public static readonly OperationDescriptor UploadsCreate = FileCall("uploads.create", Post, "uploads", FilesApi.CreateUploadAsync);

    public static readonly OperationDescriptor UploadsAddPart = FileCall("uploads.parts", Post, "uploads/{id}/parts", FilesApi.AddUploadPartAsync);

    public static readonly OperationDescriptor UploadsComplete = FileCall("uploads.complete", Post, "uploads/{id}/complete", FilesApi.CompleteUploadAsync);

    public static readonly OperationDescriptor UploadsCancel = FileCall("uploads.cancel", Post, "uploads/{id}/cancel", FilesApi.CancelUploadAsync);

    public static readonly OperationDescriptor FineTuningCreate = FineTuningCall("fine_tuning.jobs.create", Post, "fine_tuning/jobs", FineTuningApi.CreateJobAsync);

    public static readonly OperationDescriptor FineTuningList = FineTuningCall("fine_tuning.jobs.list", Get, "fine_tuning/jobs", FineTuningApi.ListJobsAsync);

    public static readonly OperationDescriptor FineTuningGet = FineTuningCall("fine_tuning.jobs.get", Get, "fine_tuning/jobs/{id}", FineTuningApi.GetJobAsync);

    public static readonly OperationDescriptor FineTuningEvents = FineTuningCall("fine_tuning.jobs.events", Get, "fine_tuning/jobs/{id}/events", FineTuningApi.ListEventsAsync);

    public static readonly OperationDescriptor FineTuningCheckpoints = FineTuningCall("fine_tuning.jobs.checkpoints", Get, "fine_tuning/jobs/{id}/checkpoints", FineTuningApi.ListCheckpointsAsync);

    public static readonly OperationDescriptor FineTuningCancel = FineTuningCall("fine_tuning.jobs.cancel", Post, "fine_tuning/jobs/{id}/cancel", FineTuningApi.CancelJobAsync);

    public static readonly OperationDescriptor FineTuningPause = FineTuningCall("fine_tuning.jobs.pause", Post, "fine_tuning/jobs/{id}/pause", FineTuningApi.PauseJobAsync);

    public static readonly OperationDescriptor FineTuningResume = FineTuningCall("fine_tuning.jobs.resume", Post, "fine_tuning/jobs/{id}/resume", FineTuningApi.ResumeJobAsync);

    /// <summary><c>POST batches</c>: a batch from an uploaded file, run by the gateway or forwarded to a batch deployment.</summary>
    public static readonly OperationDescriptor BatchesCreate = BatchCall("batches.create", Post, "batches", Batches.BatchesApi.CreateAsync);
    /// <summary><c>GET batches</c>: the caller's batches, newest first.</summary>
    public static readonly OperationDescriptor BatchesList = BatchCall("batches.list", Get, "batches", Batches.BatchesApi.ListAsync);
    /// <summary><c>GET batches/{id}</c>.</summary>
    public static readonly OperationDescriptor BatchesGet = BatchCall("batches.get", Get, "batches/{id}", Batches.BatchesApi.GetAsync);
    /// <summary><c>POST batches/{id}/cancel</c>.</summary>
    public static readonly OperationDescriptor BatchesCancel = BatchCall("batches.cancel", Post, "batches/{id}/cancel", Batches.BatchesApi.CancelAsync);

    public static readonly OperationDescriptor ModelsList = Answered("models.list", "models", ModelDiscovery.ListAsync,
        new OperationRoute(RouteFamily.AzureClassic, Get, "/openai/models"), new OperationRoute(RouteFamily.AzureV1, Get, "/openai/v1/models"), new OperationRoute(RouteFamily.OpenAI, Get, "/v1/models"));

    public static readonly OperationDescriptor ModelsGet = Answered("models.get", "models", ModelDiscovery.GetModelAsync,
        new OperationRoute(RouteFamily.AzureClassic, Get, "/openai/models/{id}"), new OperationRoute(RouteFamily.AzureV1, Get, "/openai/v1/models/{id}"), new OperationRoute(RouteFamily.OpenAI, Get, "/v1/models/{id}"));

    public static readonly OperationDescriptor DeploymentsGet = Answered("deployments.get", "deployments", ModelDiscovery.GetDeploymentAsync,
        new OperationRoute(RouteFamily.AzureClassic, Get, "/openai/deployments/{deployment}"));

    /// <summary>
    /// Any other call under a deployment (whatever Azure adds before the gateway knows it): authenticated, authorised (it needs
    /// the <c>*</c> scope, since the gateway cannot tell what it does), logged and forwarded as it is, not metered.
    /// </summary>
    public static readonly OperationDescriptor DeploymentPassThrough = new()
    {
        Name = "deployments.passthrough",
        Scope = ScopeOperations.All,
        TelemetryName = "passthrough",
        AzureName = "passthrough",
        Routes = [.. new[] { Get, Post, Delete }.Select(m => new OperationRoute(RouteFamily.AzureClassic, m, "/openai/deployments/{deployment}/{**path}"))],
        Body = BodyKind.Raw,
        Metered = false,
        Upstream = new("{path}", AzureDeploymentInPath: true, OpenAIPath: null, RouteValue: "path"),
    };

    /// <summary>Every operation, in the order the documentation lists them.</summary>
    public static IReadOnlyList<OperationDescriptor> All { get; } =
    [
        ChatCompletions, Completions, Embeddings,
        ResponsesCreate, ResponsesGet, ResponsesDelete, ResponsesCancel, ResponsesInputItems, ResponsesInputTokens,
        ImagesGenerations, ImagesEdits, AudioTranscriptions, AudioTranslations, AudioSpeech, Realtime,
        FilesCreate, FilesList, FilesGet, FilesContent, FilesDelete, UploadsCreate, UploadsAddPart, UploadsComplete, UploadsCancel, RealtimeClientSecrets,
        FineTuningCreate, FineTuningList, FineTuningGet, FineTuningEvents, FineTuningCheckpoints, FineTuningCancel, FineTuningPause, FineTuningResume,
        BatchesCreate, BatchesList, BatchesGet, BatchesCancel,
        ModelsList, ModelsGet, DeploymentsGet, DeploymentPassThrough,
    ];

    /// <summary>Classic <c>/openai/deployments/{deployment}/…</c>, Azure v1 and OpenAI <c>/v1</c> routes of a model operation.</summary>
    private static OperationRoute[] ModelRoutes(string method, string path) =>
    [
        new(RouteFamily.AzureClassic, method, $"/openai/deployments/{{deployment}}/{path}"),
        new(RouteFamily.AzureV1, method, $"/openai/v1/{path}"),
        new(RouteFamily.OpenAI, method, $"/v1/{path}"),
    ];

    /// <summary>The preview route (<c>/openai/…?api-version=</c>), the v1 route and OpenAI's <c>/v1</c> route of a Responses call.</summary>
    private static OperationRoute[] ResponsesRoutes(string method, string path) =>
    [
        new(RouteFamily.AzureClassic, method, $"/openai/{path}"),
        new(RouteFamily.AzureV1, method, $"/openai/v1/{path}"),
        new(RouteFamily.OpenAI, method, $"/v1/{path}"),
    ];

    /// <summary>An upload of audio to turn into text: billed by tokens or, where the model reports none, by its measured duration.</summary>
    private static OperationDescriptor Transcribing(string name, string telemetryName, string path) => new()
    {
        Name = name,
        Scope = ScopeOperations.Audio,
        TelemetryName = telemetryName,
        AzureName = telemetryName,
        Routes = ModelRoutes(Post, path),
        Body = BodyKind.Multipart,
        Prompt = PromptShape.FormText,
        Usage = UsageShape.Media,
        Measures = MeasuredUsage.AudioDuration,
        Upstream = new(path, AzureDeploymentInPath: true, path),
    };

    /// <summary>
    /// A call on the gateway's own file store (Files and Uploads APIs): answered by the gateway, on the resource routes
    /// (<c>/openai/files?api-version=</c>, <c>/openai/v1/files</c>, <c>/v1/files</c>), the <c>files</c> scope, the
    /// caller's own objects only; bodies are streamed by the handler, never read whole.
    /// </summary>
    private static OperationDescriptor FileCall(string name, string method, string path, Microsoft.AspNetCore.Http.RequestDelegate answer) =>
        ResourceCall(name, method, path, answer, ScopeOperations.Files, "files");

    /// <summary>
    /// A fine-tuning jobs call: answered by the gateway (it places the job's files and binds the job to the backend it
    /// runs on), on the resource routes (<c>/openai/fine_tuning/jobs?api-version=</c>, <c>/openai/v1/…</c>, <c>/v1/…</c>), the
    /// <c>fine-tuning</c> scope, the caller's own jobs only. The create is in the ledger with no tokens (training is
    /// billed by the service, not metered by the gateway).
    /// </summary>
    private static OperationDescriptor FineTuningCall(string name, string method, string path, Microsoft.AspNetCore.Http.RequestDelegate answer) =>
        ResourceCall(name, method, path, answer, ScopeOperations.FineTuning, "fineTuning");

    /// <summary>
    /// A Batch API call: answered by the gateway (it runs the batch itself or forwards it to a batch deployment), on
    /// the resource routes (<c>/openai/batches?api-version=</c>, <c>/openai/v1/batches</c>, <c>/v1/batches</c>), the
    /// <c>batch</c> scope, the caller's own batches only. The lines are metered as they run, not the call.
    /// </summary>
    private static OperationDescriptor BatchCall(string name, string method, string path, Microsoft.AspNetCore.Http.RequestDelegate answer) =>
        ResourceCall(name, method, path, answer, ScopeOperations.Batch, "batch");

    /// <summary>
    /// A call on a resource the gateway keeps itself (files, fine-tuning jobs, batches): answered by the gateway on the
    /// resource routes, under <paramref name="scope"/>, nothing forwarded as it came and nothing metered by the call.
    /// </summary>
    private static OperationDescriptor ResourceCall(string name, string method, string path, Microsoft.AspNetCore.Http.RequestDelegate answer,
        ScopeOperations scope, string azureName) => new()
    {
        Name = name,
        Scope = scope,
        TelemetryName = name,
        AzureName = azureName,
        Routes = ResponsesRoutes(method, path),
        Body = BodyKind.None,
        Deployment = DeploymentSource.None,
        Metered = false,
        Answer = answer,
    };

    /// <summary>An operation the gateway answers itself: no body, no deployment to forward to, nothing to meter, any consumer.</summary>
    private static OperationDescriptor Answered(string name, string azureName, Microsoft.AspNetCore.Http.RequestDelegate answer, params OperationRoute[] routes) => new()
    {
        Name = name,
        Scope = ScopeOperations.None,
        TelemetryName = name,
        AzureName = azureName,
        Routes = routes,
        Body = BodyKind.None,
        Deployment = DeploymentSource.None,
        Metered = false,
        Answer = answer,
    };

    /// <summary>A lifecycle call on a stored response: no body to meter, only its owner, only on its backend.</summary>
    private static OperationDescriptor Stored(string name, string method, string path) => new()
    {
        Name = name,
        Scope = ScopeOperations.Responses,
        TelemetryName = name,
        AzureName = "responses",
        Routes = ResponsesRoutes(method, path),
        Body = BodyKind.None,
        Deployment = DeploymentSource.StoredId,
        Affinity = AffinityRole.ActsOnStored,
        Usage = UsageShape.Responses,
        Metered = false,
        Upstream = new($"openai/v1/{path}", AzureDeploymentInPath: false, path, RouteValue: "id"),
    };
}
