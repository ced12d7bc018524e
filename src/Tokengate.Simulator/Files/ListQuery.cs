using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Tokengate.Simulator.Files;

/// <summary>
/// The cursor parameters of a list call: <c>after</c> (an id), <c>limit</c> and, where the list has one,
/// <c>order</c> (<c>asc</c> or <c>desc</c> by creation).
/// </summary>
internal sealed record ListQuery(string? After, int Limit, bool Ascending)
{
    /// <summary>The parameters, or null with the 400 the service answers to a bad one.</summary>
    public static ListQuery? Read(HttpRequest request, int defaultLimit, int maxLimit, bool defaultAscending, out (string Message, string? Param, string? Code) error)
    {
        error = default;
        var limit = defaultLimit;
        string? limitText = request.Query["limit"];
        if (limitText is not null)
        {
            if (!int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
            {
                error = ($"Invalid type for 'limit': expected an integer, but got '{limitText}' instead.", "limit", "invalid_type");
                return null;
            }

            if (limit > maxLimit)
            {
                error = Protocol.RequestErrors.AboveMax("limit", maxLimit, limit);
                return null;
            }

            if (limit < 1)
            {
                error = Protocol.RequestErrors.BelowMin("limit", 1, limit);
                return null;
            }
        }

        string? order = request.Query["order"];
        if (order is not (null or "asc" or "desc"))
        {
            error = ($"Invalid value: '{order}'. Supported values are: 'asc' and 'desc'.", "order", "invalid_value");
            return null;
        }

        string? after = request.Query["after"];
        return new ListQuery(string.IsNullOrEmpty(after) ? null : after, limit, order is null ? defaultAscending : order == "asc");
    }

    /// <summary>
    /// One page of <paramref name="oldestFirst"/>: ordered as asked, starting after the <c>after</c> item (an id not
    /// in the list gives an empty page), at most <see cref="Limit"/> long.
    /// </summary>
    public (List<T> Page, bool HasMore) Apply<T>(IReadOnlyList<T> oldestFirst, Func<T, string> idOf)
    {
        var ordered = Ascending ? [.. oldestFirst] : oldestFirst.Reverse().ToList();
        var start = 0;
        if (After is not null)
        {
            var index = ordered.FindIndex(item => string.Equals(idOf(item), After, StringComparison.Ordinal));
            start = index < 0 ? ordered.Count : index + 1;
        }

        var page = ordered.Skip(start).Take(Limit).ToList();
        return (page, start + page.Count < ordered.Count);
    }
}
