using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Protocol;

/// <summary>Embeddings: deterministic unit vectors seeded by each input (protocol reference §3.3).</summary>
internal sealed class EmbeddingsResponder(SimulatorRuntime runtime, AdmissionGate gate)
{
    public async Task HandleAsync(SimulatedCall call, JsonElement root)
    {
        var model = call.Snapshot.Model;
        if (ParseError(root, model.SupportsDimensions, model.DefaultDimensions, out var dimensions, out var base64) is { } error)
        {
            call.Deployment.RecordFailed();
            await AzureErrors.WriteInvalidRequestAsync(call.Context, error.Message, error.Param);
            return;
        }

        var input = root.GetProperty("input");
        var tokenizer = runtime.Tokenizers.Get(model.Encoding);
        var inputs = Inputs(input);
        var seeds = new ulong[inputs.Count];
        var promptTokens = 0;
        var standardCost = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var item = inputs[i];
            int tokens;
            if (item.ValueKind == JsonValueKind.String)
            {
                var text = item.GetString()!;
                seeds[i] = Fnv1a.Append(Fnv1a.Offset, text);
                tokens = text.Length == 0 ? 0 : tokenizer.CountTokens(text);

                // The live service charges embeddings about a token per four characters at admission (§6.1).
                standardCost += (text.Length + 3) / 4;
            }
            else
            {
                var hash = Fnv1a.Offset;
                foreach (var token in item.EnumerateArray())
                {
                    hash = Fnv1a.Append(hash, token.GetInt32());
                }

                seeds[i] = hash;
                tokens = item.GetArrayLength();
                standardCost += tokens;
            }

            var window = call.Snapshot.Options.ContextWindow;
            if (tokens > window)
            {
                call.Deployment.RecordFailed();
                await AzureErrors.WriteInvalidRequestAsync(call.Context,
                    string.Create(CultureInfo.InvariantCulture, $"This model's maximum context length is {window} tokens, however you requested {tokens} tokens ({tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length."),
                    code: "context_length_exceeded");
                return;
            }

            promptTokens += tokens;
        }

        if (!await gate.PassFaultsAsync(call) || !await gate.TryAdmitAsync(call, standardCost, promptTokens))
        {
            return;
        }

        await gate.DelayAsync(call.Snapshot.Options.Latency.TimeToFirstTokenMs, call);
        var response = call.Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        Write(response, call.Snapshot.Options.Model, seeds, dimensions, base64, promptTokens);
        await response.BodyWriter.FlushAsync(call.Aborted);
        gate.Settle(call, promptTokens, 0, succeeded: true);
    }

    private static void Write(HttpResponse response, string model, ulong[] seeds, int dimensions, bool base64, int promptTokens)
    {
        var vector = ArrayPool<float>.Shared.Rent(dimensions);
        var bytes = base64 ? ArrayPool<byte>.Shared.Rent(dimensions * sizeof(float)) : null;
        var w = JsonWriterCache.Rent(response.BodyWriter);
        try
        {
            w.WriteStartObject();
            w.WriteString("object"u8, "list"u8);
            w.WriteStartArray("data"u8);
            for (var i = 0; i < seeds.Length; i++)
            {
                var values = vector.AsSpan(0, dimensions);
                FillUnitVector(seeds[i], values);
                w.WriteStartObject();
                w.WriteString("object"u8, "embedding"u8);
                w.WriteNumber("index"u8, i);
                if (bytes is not null)
                {
                    // Little-endian float32, as the SDKs decode it regardless of the server's byte order.
                    for (var d = 0; d < values.Length; d++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(d * sizeof(float)), values[d]);
                    }

                    w.WriteBase64String("embedding"u8, bytes.AsSpan(0, dimensions * sizeof(float)));
                }
                else
                {
                    w.WriteStartArray("embedding"u8);
                    foreach (var value in values)
                    {
                        w.WriteNumberValue(value);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("model"u8, model);
            w.WriteStartObject("usage"u8);
            w.WriteNumber("prompt_tokens"u8, promptTokens);
            w.WriteNumber("total_tokens"u8, promptTokens);
            w.WriteEndObject();
            w.WriteEndObject();
            w.Flush();
        }
        finally
        {
            JsonWriterCache.Return(w);
            ArrayPool<float>.Shared.Return(vector);
            if (bytes is not null)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    /// <summary>Uniform components from SplitMix64, normalised to length 1 like real embeddings.</summary>
    internal static void FillUnitVector(ulong seed, Span<float> values)
    {
        var state = seed;
        double sumOfSquares = 0;
        for (var d = 0; d < values.Length; d++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            var component = ((z >> 11) * (1.0 / (1UL << 53) * 2)) - 1;
            values[d] = (float)component;
            sumOfSquares += component * component;
        }

        var scale = sumOfSquares > 0 ? (float)(1 / Math.Sqrt(sumOfSquares)) : 0f;
        for (var d = 0; d < values.Length; d++)
        {
            values[d] *= scale;
        }
    }

    /// <summary>The inputs as strings or token arrays; <c>input</c> has been validated by <see cref="ParseError"/>.</summary>
    private static List<JsonElement> Inputs(JsonElement input)
    {
        var items = new List<JsonElement>();
        if (input.ValueKind == JsonValueKind.String)
        {
            items.Add(input);
        }
        else if (input.GetArrayLength() > 0 && input[0].ValueKind == JsonValueKind.Number)
        {
            items.Add(input); // a single token array
        }
        else
        {
            foreach (var item in input.EnumerateArray())
            {
                items.Add(item);
            }
        }

        return items;
    }

    private static (string Message, string? Param)? ParseError(JsonElement root, bool supportsDimensions, int defaultDimensions, out int dimensions, out bool base64)
    {
        dimensions = defaultDimensions;
        base64 = false;
        if (!root.TryGetProperty("input", out var input) || !IsValidInput(input))
        {
            return ("'input' must be a non-empty string, array of strings, array of tokens, or array of token arrays.", "input");
        }

        if (root.TryGetProperty("encoding_format", out var format) && format.ValueKind != JsonValueKind.Null)
        {
            if (format.ValueEquals("base64"u8))
            {
                base64 = true;
            }
            else if (!format.ValueEquals("float"u8))
            {
                return ("Invalid value for 'encoding_format': expected 'float' or 'base64'.", "encoding_format");
            }
        }

        if (root.TryGetProperty("dimensions", out var dims) && dims.ValueKind != JsonValueKind.Null)
        {
            if (!supportsDimensions)
            {
                return ("This model does not support specifying dimensions.", "dimensions");
            }

            if (dims.ValueKind != JsonValueKind.Number || !dims.TryGetInt32(out dimensions) || dimensions < 1 || dimensions > defaultDimensions)
            {
                return (string.Create(CultureInfo.InvariantCulture, $"Invalid value for 'dimensions': expected an integer between 1 and {defaultDimensions}."), "dimensions");
            }
        }

        return null;
    }

    private static bool IsValidInput(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            return true;
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            return false;
        }

        var first = input[0].ValueKind;
        foreach (var item in input.EnumerateArray())
        {
            var ok = first switch
            {
                JsonValueKind.String => item.ValueKind == JsonValueKind.String,
                JsonValueKind.Number => item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out _),
                JsonValueKind.Array => item.ValueKind == JsonValueKind.Array && item.GetArrayLength() > 0 && AllTokens(item),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllTokens(JsonElement array)
    {
        foreach (var token in array.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Number || !token.TryGetInt32(out _))
            {
                return false;
            }
        }

        return true;
    }
}
