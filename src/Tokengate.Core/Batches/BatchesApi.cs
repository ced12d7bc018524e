using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Batches;

/// <summary>
/// The Batch API, answered by the gateway on the resource routes (<c>/openai/batches?api-version=</c>,
/// <c>/openai/v1/batches</c>, <c>/v1/batches</c>): create, retrieve, list and cancel, for the caller's own batches only
/// (anyone else's id answers 404 as if it did not exist). Output and error files are the caller's files in the Files API.
/// </summary>
internal static class BatchesApi
{
    /// <summary>Largest create request read (it holds ids and settings, not data).</summary>
    private const int MaxBodyBytes = 64 * 1024;

    public static async Task CreateAsync(HttpContext context)
    {
        var caller = Caller(context);
        var service = context.RequestServices.GetRequiredService<BatchService>();
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await GatewayError.BodyTooLarge(MaxBodyBytes).WriteAsync(context);
            return;
        }
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            await GatewayError.InvalidBody("The request body is not valid JSON.").WriteAsync(context);
            return;
        }
        using (document)
        {
            var header = context.Request.Headers[context.Features.GetRequiredFeature<GatewayRequestFeature>().Snapshot.Options.Batches.ModeHeader].ToString();
            var (batch, error) = await service.CreateAsync(caller, document.RootElement, header, context.RequestAborted);
            if (error is not null)
            {
                await error.WriteAsync(context);
                return;
            }
            await JsonAnswer.WriteAsync(context, json => BatchJson.Write(json, batch!));
        }
    }

    public static async Task GetAsync(HttpContext context)
    {
        var caller = Caller(context);
        var service = context.RequestServices.GetRequiredService<BatchService>();
        var id = Id(context);
        if (await service.GetAsync(id, caller, context.RequestAborted) is not { } batch)
        {
            await BatchErrors.NotFound(id).WriteAsync(context);
            return;
        }
        batch = await service.WithProgressAsync(batch, context.RequestAborted);
        await JsonAnswer.WriteAsync(context, json => BatchJson.Write(json, batch));
    }

    public static async Task ListAsync(HttpContext context)
    {
        var caller = Caller(context);
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) ? Math.Clamp(asked, 1, 100) : 20;
        var after = query["after"].ToString() is { Length: > 0 } cursor ? cursor : null;
        var store = context.RequestServices.GetRequiredService<BatchStore>();
        var service = context.RequestServices.GetRequiredService<BatchService>();
        var batches = await store.ListAsync(caller.Name, after, limit, context.RequestAborted);
        var more = batches.Count > limit;
        if (more) batches.RemoveAt(batches.Count - 1);
        for (var i = 0; i < batches.Count; i++) batches[i] = await service.WithProgressAsync(batches[i], context.RequestAborted);
        await JsonAnswer.WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            foreach (var batch in batches) BatchJson.Write(json, batch);
            json.WriteEndArray();
            if (batches.Count > 0)
            {
                json.WriteString("first_id", batches[0].Id);
                json.WriteString("last_id", batches[^1].Id);
            }
            else
            {
                json.WriteNull("first_id");
                json.WriteNull("last_id");
            }
            json.WriteBoolean("has_more", more);
            json.WriteEndObject();
        });
    }

    public static async Task CancelAsync(HttpContext context)
    {
        var caller = Caller(context);
        var service = context.RequestServices.GetRequiredService<BatchService>();
        var (batch, error) = await service.CancelAsync(Id(context), caller, context.RequestAborted);
        if (error is not null)
        {
            await error.WriteAsync(context);
            return;
        }
        batch = await service.WithProgressAsync(batch!, context.RequestAborted);
        await JsonAnswer.WriteAsync(context, json => BatchJson.Write(json, batch));
    }

    private static Consumer Caller(HttpContext context) => context.Features.GetRequiredFeature<GatewayRequestFeature>().Consumer!;

    private static string Id(HttpContext context) => context.Request.RouteValues["id"] as string ?? "";
}
