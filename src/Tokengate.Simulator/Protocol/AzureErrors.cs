using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// Error bodies in the two shapes Azure uses side by side (protocol reference §5.1): the front-door
/// <c>{"error":{"code","message"}}</c> and the model <c>{"error":{"message","type","param","code"}}</c>.
/// </summary>
internal static class AzureErrors
{
    public const string Unauthorized =
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.";

    public const string DeploymentNotFound =
        "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.";

    public const string ResourceNotFound = "Resource not found";

    public const string InvalidJson =
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)";

    public static string OperationNotSupported(string operation, string deployment) =>
        $"The {operation} operation does not work with the specified model, {deployment}. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.";

    public static string RateLimited(string operation, string apiVersion, bool calls, long seconds) =>
        string.Create(CultureInfo.InvariantCulture,
            $"Requests to the {operation} Operation under Azure OpenAI API version {apiVersion} have exceeded {(calls ? "call" : "token")} rate limit of your current OpenAI S0 pricing tier. Please retry after {seconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.");

    public static string ProvisionedBusy(string operation, string apiVersion, long seconds) =>
        string.Create(CultureInfo.InvariantCulture,
            $"Requests to the {operation} Operation under Azure OpenAI API version {apiVersion} have exceeded the provisioned throughput of this deployment, which is above 100% utilization. Please retry after {seconds} seconds.");

    public static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        Start(context, status);
        var writer = JsonWriterCache.Rent(context.Response.BodyWriter);
        try
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error"u8);
            writer.WriteString("code"u8, code);
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }

        return FlushAsync(context);
    }

    public static Task WriteModelErrorAsync(HttpContext context, int status, string message, string? type, string? param, string? code)
    {
        Start(context, status);
        var writer = JsonWriterCache.Rent(context.Response.BodyWriter);
        try
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error"u8);
            writer.WriteString("message"u8, message);
            WriteNullable(writer, "type"u8, type);
            WriteNullable(writer, "param"u8, param);
            WriteNullable(writer, "code"u8, code);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }

        return FlushAsync(context);
    }

    public static Task WriteInvalidRequestAsync(HttpContext context, string message, string? param = null, string? code = null) =>
        WriteModelErrorAsync(context, StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    /// <summary>The body an injected failure answers with, in the form the real service uses for that status.</summary>
    public static Task WriteForStatusAsync(HttpContext context, int status) => status switch
    {
        StatusCodes.Status400BadRequest => WriteAsync(context, status, "BadRequest", "The request was invalid."),
        StatusCodes.Status401Unauthorized => WriteAsync(context, status, "401", Unauthorized),
        StatusCodes.Status403Forbidden => WriteAsync(context, status, "403", "Traffic is not from an approved private endpoint."),
        StatusCodes.Status404NotFound => WriteAsync(context, status, "404", ResourceNotFound),
        StatusCodes.Status408RequestTimeout => WriteAsync(context, status, "Timeout", "The operation was timeout."),
        StatusCodes.Status500InternalServerError => WriteModelErrorAsync(context, status, "The server had an error while processing your request. Sorry about that!", "server_error", null, null),
        StatusCodes.Status502BadGateway => WriteAsync(context, status, "BadGateway", "Bad gateway."),
        StatusCodes.Status503ServiceUnavailable => WriteAsync(context, status, "ServiceUnavailable", "The service is temporarily unable to process your request. Please try again later."),
        StatusCodes.Status504GatewayTimeout => WriteAsync(context, status, "GatewayTimeout", "The gateway did not receive a response from the backend in time."),
        _ => WriteAsync(context, status, status.ToString(CultureInfo.InvariantCulture), ReasonPhrases.GetReasonPhrase(status)),
    };

    private static void Start(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
    }

    private static async Task FlushAsync(HttpContext context) =>
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);

    private static void WriteNullable(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
