using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Responses;

/// <summary>
/// The calls on a stored response: retrieve (or resume its stream), delete, cancel, list its input items, and count
/// a prospective request's input tokens. They reach the resource, not a deployment, so they pass no deployment
/// limits; credentials and api-version are checked before they run.
/// </summary>
internal sealed class ResponsesLifecycleHandler(SimulatorRuntime runtime, ResponseStreamer streamer)
{
    private const int DefaultListLimit = 20;
    private const int MaxListLimit = 100;

    public async Task GetAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } response)
        {
            return;
        }

        var query = context.Request.Query;
        if (!string.Equals(query["stream"], "true", StringComparison.OrdinalIgnoreCase))
        {
            await ResponsesResponder.WriteObjectAsync(context, response, response.Observe(runtime.NowTicks));
            return;
        }

        if (!response.Background)
        {
            await AzureErrors.WriteInvalidRequestAsync(context, "Only responses created with background=true can be streamed.", "stream");
            return;
        }

        var startingAfter = -1;
        string? after = query["starting_after"];
        if (after is not null && (!int.TryParse(after, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out startingAfter) || startingAfter < -1))
        {
            await AzureErrors.WriteInvalidRequestAsync(context, $"Invalid value for 'starting_after': expected a sequence number, but got '{after}'.", "starting_after", "invalid_value");
            return;
        }

        await streamer.StreamAsync(context, response, startingAfter, cutAfterDeltas: null);
    }

    public async Task DeleteAsync(HttpContext context)
    {
        var id = IdOf(context);
        if (!runtime.Responses.Remove(id))
        {
            await NotFoundAsync(context, id);
            return;
        }

        await WriteJsonAsync(context, w => ResponseJson.WriteDeleted(w, id));
    }

    public async Task CancelAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } response)
        {
            return;
        }

        if (!response.Background)
        {
            await AzureErrors.WriteInvalidRequestAsync(context, "Only responses created with background=true can be cancelled.");
            return;
        }

        await ResponsesResponder.WriteObjectAsync(context, response, response.Cancel(runtime.NowTicks));
    }

    /// <summary>A cursor page of the response's input items: <c>limit</c> (1..100, default 20), <c>order</c> (default desc), <c>after</c>.</summary>
    public async Task InputItemsAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } response)
        {
            return;
        }

        var query = context.Request.Query;
        var limit = DefaultListLimit;
        string? limitText = query["limit"];
        if (limitText is not null)
        {
            if (!int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
            {
                await AzureErrors.WriteInvalidRequestAsync(context, $"Invalid type for 'limit': expected an integer, but got '{limitText}' instead.", "limit", "invalid_type");
                return;
            }

            var bad = limit > MaxListLimit ? RequestErrors.AboveMax("limit", MaxListLimit, limit)
                : limit < 1 ? RequestErrors.BelowMin("limit", 1, limit)
                : default((string Message, string? Param, string? Code)?);
            if (bad is { } error)
            {
                await AzureErrors.WriteInvalidRequestAsync(context, error.Message, error.Param, error.Code);
                return;
            }
        }

        string? order = query["order"];
        if (order is not (null or "asc" or "desc"))
        {
            await AzureErrors.WriteInvalidRequestAsync(context, $"Invalid value: '{order}'. Supported values are: 'asc' and 'desc'.", "order", "invalid_value");
            return;
        }

        var items = response.Input;
        var ascending = order == "asc";
        var ordered = new List<InputItem>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            ordered.Add(items[ascending ? i : items.Count - 1 - i]);
        }

        var start = 0;
        string? after = query["after"];
        if (after is not null)
        {
            var found = ordered.FindIndex(item => item.Id == after);
            start = found < 0 ? ordered.Count : found + 1;
        }

        var count = Math.Min(limit, ordered.Count - start);
        await WriteJsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("object"u8, "list"u8);
            w.WriteStartArray("data"u8);
            for (var i = start; i < start + count; i++)
            {
                w.WriteRawValue(ordered[i].Json, skipInputValidation: true);
            }

            w.WriteEndArray();
            WriteNullableString(w, "first_id"u8, count > 0 ? ordered[start].Id : null);
            WriteNullableString(w, "last_id"u8, count > 0 ? ordered[start + count - 1].Id : null);
            w.WriteBoolean("has_more"u8, start + count < ordered.Count);
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>POST …/responses/input_tokens</c>: what a create with this body would bill as input, the stored chain of a
    /// <c>previous_response_id</c> included. Charges nothing.
    /// </summary>
    public async Task InputTokensAsync(HttpContext context)
    {
        if (await JsonBody.ReadObjectAsync(context) is not { } document)
        {
            return;
        }

        using (document)
        {
            var root = document.RootElement;

            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(model.GetString()))
            {
                await WriteErrorAsync(context, RequestErrors.Missing("model"));
                return;
            }

            if (!runtime.Deployments.TryGet(model.GetString()!, out var deployment))
            {
                await AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "DeploymentNotFound", AzureErrors.DeploymentNotFound);
                return;
            }

            var snapshot = deployment.Snapshot;
            if (snapshot.IsBatch || snapshot.Model.Kind != ModelKind.Chat)
            {
                await AzureErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "OperationNotSupported",
                    AzureErrors.OperationNotSupported(SimulatedOperation.Responses.NotSupportedName, deployment.Name));
                return;
            }

            var request = ResponsesRequest.Parse(root, out var error);
            if (request is null)
            {
                await WriteErrorAsync(context, error);
                return;
            }

            StoredResponse? previous = null;
            if (request.PreviousResponseId is { } previousId && !runtime.Responses.TryGet(previousId, out previous))
            {
                await WriteErrorAsync(context, ResponsesResponder.PreviousNotFound(previousId));
                return;
            }

            var tokenizer = runtime.Tokenizers.Get(snapshot.Model.Encoding);
            var hash = Fnv1a.Offset;
            if (ResponseInput.Read(request.Input, tokenizer, ref hash, out var itemTokens, out error) is null)
            {
                await WriteErrorAsync(context, error);
                return;
            }

            var tokens = (previous?.ChainTokens ?? 0) + itemTokens + ResponseInput.ReplyPriming
                + ResponseInput.CountInstructions(request.Instructions, tokenizer, ref hash)
                + PromptTokenCounter.CountTools(root, tokenizer, ref hash, chatShape: false);
            await WriteJsonAsync(context, w =>
            {
                w.WriteStartObject();
                w.WriteString("object"u8, "response.input_tokens"u8);
                w.WriteNumber("input_tokens"u8, tokens);
                w.WriteEndObject();
            });
        }
    }

    private async Task<StoredResponse?> FindAsync(HttpContext context)
    {
        var id = IdOf(context);
        if (runtime.Responses.TryGet(id, out var response))
        {
            return response;
        }

        await NotFoundAsync(context, id);
        return null;
    }

    private static string IdOf(HttpContext context) => context.Request.RouteValues["id"] as string ?? string.Empty;

    private static Task NotFoundAsync(HttpContext context, string id) =>
        AzureErrors.WriteModelErrorAsync(context, StatusCodes.Status404NotFound, $"Response with id '{id}' not found.", "invalid_request_error", null, null);

    private static Task WriteErrorAsync(HttpContext context, (string Message, string? Param, string? Code) error) =>
        AzureErrors.WriteInvalidRequestAsync(context, error.Message, error.Param, error.Code);

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var http = context.Response;
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = "application/json";
        var w = JsonWriterCache.Rent(http.BodyWriter);
        try
        {
            write(w);
            w.Flush();
        }
        finally
        {
            JsonWriterCache.Return(w);
        }

        await http.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static void WriteNullableString(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
