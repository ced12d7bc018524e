using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tokengate.Accounting;
using Tokengate.Advice;
using Tokengate.Admin;
using Tokengate.Affinity;
using Tokengate.Alerts;
using Tokengate.Audit;
using Tokengate.Authorization;
using Tokengate.Batches;
using Tokengate.Configuration;
using Tokengate.Elevation;
using Tokengate.Files;
using Tokengate.Encryption;
using Tokengate.FineTuning;
using Tokengate.Identity;
using Tokengate.Network;
using Tokengate.Limits;
using Tokengate.Logging;
using Tokengate.OpenAI;
using Tokengate.Operations;
using Tokengate.OperatorConsole;
using Tokengate.Proxy;
using Tokengate.Routing;
using Tokengate.Realtime;
using Tokengate.Screening;
using Tokengate.Secrets;
using Tokengate.Settings;
using Tokengate.State;
using Tokengate.Storage;
using Tokengate.Telemetry;

namespace Tokengate.Hosting;

/// <summary>Registers the gateway's services and maps its endpoints.</summary>
public static class Gateway
{
    private static Task NotServedAsync(HttpContext context) =>
        GatewayError.NotServed(context.Request.Method, context.Request.Path.Value ?? "").WriteAsync(context);

    /// <summary>Adds the gateway services, bound to the <c>Tokengate</c> section of <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(Random.Shared);
        // Read on every use: secrets are resolved on load, reload and rotation only, and must see the current settings.
        Func<SecretsOptions> secretsOptions = () => configuration.GetSection(SecretsOptions.SectionPath).Get<SecretsOptions>() ?? new SecretsOptions();
        // Lazily: Key Vault is first called while the configuration is compiled, after the options are validated.
        services.TryAddSingleton<IKeyVaultSecretClient>(sp => new AzureKeyVaultSecretClient(secretsOptions, sp.GetRequiredService<OutboundHttpClient>));
        services.TryAddSingleton<ISecretResolver>(sp => new CompositeSecretResolver(
            new EnvironmentSecretResolver(), new FileSecretResolver(secretsOptions), new KeyVaultSecretResolver(sp.GetRequiredService<IKeyVaultSecretClient>())));
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        // Bound without a change-token source: reloads go through GatewayConfiguration, which validates and keeps the
        // last good snapshot instead of throwing from the configuration change callback.
        services.AddOptions<GatewayOptions>().Configure(o => configuration.GetSection(GatewayOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton<GatewaySnapshotBuilder>();
        services.AddSingleton(sp =>
        {
            var gatewayConfiguration = new GatewayConfiguration(
                configuration,
                sp.GetRequiredService<IOptions<GatewayOptions>>(),
                sp.GetRequiredService<IValidateOptions<GatewayOptions>>(),
                sp.GetRequiredService<GatewaySnapshotBuilder>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<GatewayConfiguration>>());
            // The outbound allowlist follows every configuration that comes into force.
            var outbound = sp.GetRequiredService<OutboundHttpClient>();
            outbound.Allowlist = gatewayConfiguration.Current.Outbound;
            gatewayConfiguration.Reloaded += snapshot => outbound.Allowlist = snapshot.Outbound;
            return gatewayConfiguration;
        });
        services.AddSharedState(configuration);  // rate-limit counters, backend health, change notifications
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return new OutboundHttpClient(options.Forwarding.ConnectTimeout, OutboundAllowlist.From(options),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<OutboundHttpClient>>());
        });
        // Backend key rotation: BackendKeyRotation.RotateAsync is the hook for operators; the schedule runs in the background.
        services.AddSingleton<BackendKeyRotation>();
        services.AddHostedService<ScheduledKeyRotation>();
        services.AddSingleton<Priority.WaitQueue>();  // low-priority requests waiting for capacity or their rate-limit window
        services.AddSingleton<Forwarder>();
        services.AddSingleton<SettleStep>();
        services.AddDataStorage(configuration);
        services.AddManagedSettings(configuration);  // the admin API's configuration layer: read right after the migrations, before budgets are seeded
        services.AddBlobStorage(configuration);  // file bytes: a folder in the data folder, or Azure Blob Storage
        services.AddEncryption(configuration);  // data keys for what is stored; after the database, before anything that stores
        services.AddAffinity(configuration);  // id -> backend, owner; after the state and the database it uses
        services.AddSingleton<ResponseAffinity>();
        services.AddFiles();  // the gateway's own file store (needs the database, a blob store and encryption)
        services.AddFineTuning();  // fine-tuning jobs: file placement on backends, the jobs registry
        services.AddBatches();  // the Batch API: gateway-run batches on idle provisioned capacity, or forwarded to batch deployments
        services.AddJwtIdentity(configuration);
        services.AddAdminApi();
        services.AddConsoleSignIn(configuration);  // operator console: cookie sessions (key or OIDC sign-in), accepted by the admin API
        services.AddAudit(configuration);
        services.AddElevation(configuration);
        services.AddUsageAccounting();
        services.AddBackendDrains();  // drained backends: in the database, re-read on change by every instance
        services.AddKeyStore(configuration);
        services.AddGatewayTelemetry(configuration);
        services.AddRequestLogging(configuration);
        services.AddCapacityAlerts(configuration);
        services.AddRealtime(configuration);
        services.AddPromptScreening(configuration);
        services.AddAdvice(configuration);  // the advice endpoint's settings (PTU throughput and prices), validated on start  // step 5: policies and the detectors (rules, builtin, onnx and Prompt Shields where configured)
        OperatorConsole.ConsoleKeyRingWarmup.RemoveEagerLoader(services);  // last: the console's key ring loads from the pool
        return services;
    }

    /// <summary>
    /// Maps every route of every operation in <see cref="OperationRegistry"/> (classic <c>/openai/...</c> with
    /// <c>api-version</c>, <c>/openai/v1/...</c> and <c>/v1/...</c>), <c>/healthz</c> and <c>/readyz</c>. The request
    /// pipeline's order is written here, once.
    /// </summary>
    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder endpoints)
    {
        var forwarder = endpoints.ServiceProvider.GetRequiredService<Forwarder>();

        // Operations the gateway answers itself (model discovery, files, fine-tuning jobs): errors, identity, scope, then the answer.
        var answered = endpoints.CreateApplicationBuilder();
        answered.UseThreadPool();                           //    their database and store work: off the I/O threads (IoThreads)
        answered.UseMiddleware<ErrorBoundaryMiddleware>();  // 1. errors in the Azure shape
        answered.UseMiddleware<IdentifyMiddleware>();       // 2. network rules, consumer from key or JWT
        answered.UseMiddleware<AuthorizeMiddleware>();      // 4. role and scope for the operation (no deployment)
        answered.Run(context => context.Features.GetRequiredFeature<GatewayRequestFeature>().Route.Operation.Answer!(context));
        var answeredPipeline = answered.Build();

        RequestDelegate Forwarded(bool mintsCredential)
        {
            var app = endpoints.CreateApplicationBuilder();
            app.UseThreadPool(IoThreads.IsLarge);             //    a large body's parsing, counting and screening: off the I/O threads
            app.UseMiddleware<ErrorBoundaryMiddleware>();     // 1. errors in the Azure shape
            app.UseMiddleware<RequestTelemetryMiddleware>();  //    the request's span (attempts are its children)
            app.UseMiddleware<IdentifyMiddleware>();          // 2. network rules, consumer from key or JWT
            app.UseMiddleware<ParseMiddleware>();             // 3. body once, fields, pool (a stored id: its owner, pool and backend)
            app.UseMiddleware<AuthorizeMiddleware>();         // 4. role and scope for deployment + operation
            if (mintsCredential)
                app.UseMiddleware<ClientSecretsMiddleware>(); //    realtime client secrets: refused where the gateway could not meter the session
            app.UseMiddleware<RequestLogMiddleware>();        //    the permitted log, queued once 6-8 are done
            app.UseMiddleware<SettleMiddleware>();            // 8. settle: runs when 5-7 are done (usage, cost, ledger; a screened-out request is recorded with no tokens)
            app.UseMiddleware<ScreenMiddleware>();            // 5. prompt screening under the consumer's policy (off: passes straight through)
            app.UseMiddleware<AdmitMiddleware>();             // 6. max tokens, context window, budgets, reservation
            app.Run(context => forwarder.ForwardAsync(context.Features.GetRequiredFeature<GatewayRequestFeature>(), new HttpResponseSink(context))); // 7. forward
            return app.Build();
        }
        var pipeline = Forwarded(mintsCredential: false);
        var mintingPipeline = Forwarded(mintsCredential: true);

        // WebSocket operations (realtime sessions): admission, failover at the handshake, relay and settling per
        // response all happen in the session step, which holds the session until it ends.
        var realtime = endpoints.ServiceProvider.GetRequiredService<RealtimeSessionStep>();
        var sessions = endpoints.CreateApplicationBuilder();
        sessions.UseMiddleware<ErrorBoundaryMiddleware>();     // 1. errors in the Azure shape (before the upgrade)
        sessions.UseMiddleware<RequestTelemetryMiddleware>();  //    the session's span
        sessions.UseMiddleware<IdentifyMiddleware>();          // 2. network rules, consumer from key (header, query, subprotocol) or JWT
        sessions.UseMiddleware<ParseMiddleware>();             // 3. api-version, pool from the query
        sessions.UseMiddleware<AuthorizeMiddleware>();         // 4. role and scope for deployment + operation
        sessions.UseMiddleware<RequestLogMiddleware>();        //    the permitted log, one entry when the session ends
        // No step 5: a session's prompts arrive later, as events; realtime sessions are not screened.
        sessions.Run(realtime.RunAsync);                       // 6-8. admit, connect upstream, relay, settle each response
        var sessionPipeline = sessions.Build();

        foreach (var operation in OperationRegistry.All)
        {
            var handler = operation.AnsweredByGateway ? answeredPipeline
                : operation.WebSocket ? sessionPipeline
                : operation.MintsCredential ? mintingPipeline
                : pipeline;
            foreach (var route in operation.Routes)
            {
                endpoints.MapMethods(route.Template, [route.Method], handler)
                    .WithMetadata(new GatewayRoute(operation, route.Family));
            }
        }

        // Anything else under the model prefixes answers as Azure does for an unknown path.
        endpoints.Map("/openai/{**rest}", NotServedAsync).WithOrder(int.MaxValue);
        endpoints.Map("/v1/{**rest}", NotServedAsync).WithOrder(int.MaxValue);

        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", Readiness.Describe);
        endpoints.MapAdminApi().MapAudit().MapUsage().MapConsumerAdmin().MapConsumerSettings().MapGroupSettings().MapBudgetSettings()
            .MapBackendKeyAdmin().MapBackendDrains().MapRequestLog().MapEncryptionAdmin().MapFilesAdmin().MapMetricsApi().MapAlerts()
            .MapFineTuningAdmin().MapAdvice();
        endpoints.MapGatewayTelemetry();
        endpoints.MapConsole();
        endpoints.MapConsoleSignIn();
        endpoints.MapElevations();
        return endpoints;
    }
}
