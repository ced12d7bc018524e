using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tokengate.Simulator.Batches;
using Tokengate.Simulator.ContentSafety;
using Tokengate.Simulator.Control;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Files;
using Tokengate.Simulator.FineTuning;
using Tokengate.Simulator.Generation;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Media;
using Tokengate.Simulator.Protocol;
using Tokengate.Simulator.Realtime;
using Tokengate.Simulator.Responses;

namespace Tokengate.Simulator;

/// <summary>Hosts the simulator inside any ASP.NET Core application.</summary>
public static class SimulatorEndpoints
{
    /// <summary>
    /// Registers the simulator's services. The options are validated now and copied, so later changes to the
    /// instance have no effect; change settings at run time through <see cref="SimulatorControl"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Simulator settings.</param>
    /// <param name="timeProvider">Clock for windows, buckets and latency; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">A deployment's settings are invalid.</exception>
    public static IServiceCollection AddSimulator(this IServiceCollection services, SimulatorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var runtime = new SimulatorRuntime(Snapshot(options), timeProvider ?? TimeProvider.System);
        services.AddSingleton(runtime);
        services.AddSingleton(new SimulatorControl(runtime));
        services.AddSingleton(new AnswerGenerator(runtime.Tokenizers));
        services.AddSingleton<AdmissionGate>();
        services.AddSingleton<CompletionsResponder>();
        services.AddSingleton<EmbeddingsResponder>();
        services.AddSingleton<ResponseStreamer>();
        services.AddSingleton<ResponsesResponder>();
        services.AddSingleton<ResponsesLifecycleHandler>();
        services.AddSingleton<ImagesResponder>();
        services.AddSingleton<TranscriptionsResponder>();
        services.AddSingleton<SpeechResponder>();
        services.AddSingleton<MediaResponder>();
        services.AddSingleton<ImageBlobHandler>();
        services.AddSingleton<SimulatorRequestHandler>();
        services.AddSingleton<ControlEndpointHandler>();
        services.AddSingleton<FileService>();
        services.AddSingleton<FileImporter>();
        services.AddSingleton<FilesHandler>();
        services.AddSingleton<UploadsHandler>();
        services.AddSingleton<FineTuningHandler>();
        services.AddSingleton<BatchesHandler>();
        services.AddSingleton<ResourceControlHandler>();
        services.AddSingleton<ShieldPromptHandler>();
        services.AddRealtime();
        return services;
    }

    /// <summary>
    /// Maps the Azure OpenAI routes under <c>/openai</c> (classic deployment routes and v1 routes), the generated image
    /// blobs under <c>/_simulator/blobs</c> and, when <see cref="SimulatorOptions.ControlEnabled"/>, the control
    /// endpoint under <c>/_simulator/deployments</c>.
    /// </summary>
    /// <remarks>
    /// The realtime routes (<c>/openai/realtime</c>, <c>/openai/v1/realtime</c>) are WebSocket endpoints: the host
    /// must call <c>app.UseWebSockets()</c> before the endpoints run, as <see cref="SimulatorServer"/> does;
    /// without it every realtime connect is answered 400 as a plain GET.
    /// </remarks>
    public static IEndpointRouteBuilder MapSimulator(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var runtime = services.GetRequiredService<SimulatorRuntime>();
        var handler = services.GetRequiredService<SimulatorRequestHandler>();

        var openai = endpoints.MapGroup("/openai");
        openai.MapPost("/deployments/{deployment}/chat/completions", c => handler.ClassicAsync(c, SimulatedOperation.ChatCompletions));
        openai.MapPost("/deployments/{deployment}/completions", c => handler.ClassicAsync(c, SimulatedOperation.Completions));
        openai.MapPost("/deployments/{deployment}/embeddings", c => handler.ClassicAsync(c, SimulatedOperation.Embeddings));
        openai.MapPost("/v1/chat/completions", c => handler.V1Async(c, SimulatedOperation.ChatCompletions));
        openai.MapPost("/v1/completions", c => handler.V1Async(c, SimulatedOperation.Completions));
        openai.MapPost("/v1/embeddings", c => handler.V1Async(c, SimulatedOperation.Embeddings));
        openai.MapGet("/v1/models", handler.ListModelsAsync);

        // Images and audio: JSON bodies (generations, speech) or multipart uploads (edits, transcriptions, translations).
        foreach (var (path, operation) in MediaOperations.Routes)
        {
            openai.MapPost("/deployments/{deployment}/" + path, c => handler.ClassicAsync(c, operation));
            openai.MapPost("/v1/" + path, c => handler.V1Async(c, operation));
        }

        // Responses: the v1 family and the preview family (?api-version=2025-03-01-preview or later) serve the same
        // calls; the deployment comes from the body's model, stored responses belong to the resource.
        var lifecycle = services.GetRequiredService<ResponsesLifecycleHandler>();
        foreach (var (prefix, rule) in new[] { ("/v1/responses", ApiVersionRule.V1), ("/responses", ApiVersionRule.ResponsesPreview) })
        {
            openai.MapPost(prefix, c => handler.ResponsesAsync(c, rule));
            openai.MapPost(prefix + "/input_tokens", c => handler.ResourceAsync(c, rule, lifecycle.InputTokensAsync));
            openai.MapGet(prefix + "/{id}", c => handler.ResourceAsync(c, rule, lifecycle.GetAsync));
            openai.MapDelete(prefix + "/{id}", c => handler.ResourceAsync(c, rule, lifecycle.DeleteAsync));
            openai.MapPost(prefix + "/{id}/cancel", c => handler.ResourceAsync(c, rule, lifecycle.CancelAsync));
            openai.MapGet(prefix + "/{id}/input_items", c => handler.ResourceAsync(c, rule, lifecycle.InputItemsAsync));
        }

        ResourceRoutes.Map(openai, services);
        ContentSafetyRoutes.Map(endpoints, services);
        openai.MapRealtime(services);
        openai.Map("/{**rest}", handler.NotFoundAsync);

        // dall-e-3 image URLs point here, as the service's point at blob storage with a SAS token: no key needed, and
        // served even without the control endpoint.
        endpoints.MapGet(ImageBlobHandler.RoutePattern, services.GetRequiredService<ImageBlobHandler>().GetAsync);

        if (runtime.Options.ControlEnabled)
        {
            var control = services.GetRequiredService<ControlEndpointHandler>();
            var group = endpoints.MapGroup("/_simulator/deployments");
            group.MapGet("", control.ListAsync);
            group.MapGet("/{deployment}", control.GetAsync);
            group.MapPatch("/{deployment}", control.PatchAsync);
            group.MapPost("/{deployment}/reset", control.ResetAsync);
            endpoints.MapRealtimeControl(services);
            ResourceRoutes.MapControl(endpoints, services);
            ContentSafetyRoutes.MapControl(endpoints, services);
        }

        return endpoints;
    }

    /// <summary>A validated private copy, so the caller's instance (often bound from configuration) cannot change under us.</summary>
    private static SimulatorOptions Snapshot(SimulatorOptions options)
    {
        if (options.StoredResponsesLimit < 1)
        {
            throw new ArgumentException("Simulator StoredResponsesLimit must be at least 1.", nameof(options));
        }

        var fineTuning = options.FineTuning ?? new SimulatedFineTuningOptions();
        if (fineTuning.FileProcessingMs < 0 || fineTuning.ValidatingFilesMs < 0 || fineTuning.QueuedMs < 0 || fineTuning.RunningMs < 0)
        {
            throw new ArgumentException("Simulator FineTuning durations must not be negative.", nameof(options));
        }

        if (fineTuning.DefaultEpochs < 1 || fineTuning.MinTrainingExamples < 1)
        {
            throw new ArgumentException("Simulator FineTuning DefaultEpochs and MinTrainingExamples must be at least 1.", nameof(options));
        }

        var batches = options.Batches ?? new SimulatedBatchOptions();
        if (batches.ValidatingMs < 0 || batches.InProgressMs < 0 || batches.FinalizingMs < 0)
        {
            throw new ArgumentException("Simulator Batches durations must not be negative.", nameof(options));
        }

        var contentSafety = ContentSafetyState.Clone(options.ContentSafety ?? new SimulatedContentSafetyOptions());
        if (ContentSafetyState.Validate(contentSafety) is { } contentSafetyError)
        {
            throw new ArgumentException($"Simulator {contentSafetyError}", nameof(options));
        }

        var deployments = new Dictionary<string, SimulatedDeploymentOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, deployment) in options.Deployments)
        {
            var copy = SimulatorJson.Clone(deployment ?? new SimulatedDeploymentOptions());
            if (DeploymentOptionsValidator.Validate(copy) is { } error)
            {
                throw new ArgumentException($"Simulator deployment '{name}': {error}", nameof(options));
            }

            deployments[name] = copy;
        }

        return new SimulatorOptions
        {
            Region = options.Region,
            ApiKeys = [.. options.ApiKeys],
            PromptFilterChunk = options.PromptFilterChunk,
            Seed = options.Seed,
            ControlEnabled = options.ControlEnabled,
            StoredResponsesLimit = options.StoredResponsesLimit,
            FineTuning = new SimulatedFineTuningOptions
            {
                FileProcessingMs = fineTuning.FileProcessingMs,
                ValidatingFilesMs = fineTuning.ValidatingFilesMs,
                QueuedMs = fineTuning.QueuedMs,
                RunningMs = fineTuning.RunningMs,
                DefaultEpochs = fineTuning.DefaultEpochs,
                MinTrainingExamples = fineTuning.MinTrainingExamples,
                DeployFineTunedModels = fineTuning.DeployFineTunedModels,
                BaseModels = [.. fineTuning.BaseModels ?? []],
            },
            Batches = new SimulatedBatchOptions
            {
                ValidatingMs = batches.ValidatingMs,
                InProgressMs = batches.InProgressMs,
                FinalizingMs = batches.FinalizingMs,
            },
            ContentSafety = contentSafety,
            Deployments = deployments,
        };
    }
}
