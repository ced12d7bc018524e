using System.Globalization;
using Tokengate.OpenAI;

namespace Tokengate.Batches;

/// <summary>The Batch API's refusals, in the Azure OpenAI error shape.</summary>
internal static class BatchErrors
{
    public static GatewayError Invalid(string message, string? param = null) => GatewayError.InvalidBody(message, param);

    public static GatewayError NotFound(string id) =>
        new(404, "not_found", $"No batch with the id '{id}' was found.", "invalid_request_error", "batch_id");

    public static GatewayError FileNotFound(string id) =>
        new(404, "not_found", $"No such File object: {id}", "invalid_request_error", "input_file_id");

    public static GatewayError OverBudget(string budget, decimal estimate, DateTimeOffset resetsAt) => new(429, "BudgetExceeded",
        string.Create(CultureInfo.InvariantCulture,
            $"The batch is estimated at {estimate:0.######} USD, which would pass the {budget} (it resets at {resetsAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}). Split the batch or raise the budget."),
        "invalid_request_error", "input_file_id");

    public static GatewayError NotCancellable(string id, string status) =>
        new(409, "invalid_request", $"Batch {id} is {status} and can no longer be cancelled.", "invalid_request_error");

    public static GatewayError NoBatchBackend(string pool) =>
        new(400, "invalid_request", $"The deployment '{pool}' has no Global or Data Zone Batch backend for a batch in azure mode.", "invalid_request_error", "model");
}
