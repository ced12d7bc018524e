namespace Tokengate.Simulator.Protocol;

/// <summary>What a route family asks of <c>api-version</c>.</summary>
internal enum ApiVersionRule
{
    /// <summary>Classic deployment routes: a dated version is required.</summary>
    Dated,

    /// <summary><c>/openai/v1</c>: none needed; early previews sent <c>?api-version=preview</c>, which is ignored.</summary>
    V1,

    /// <summary><c>/openai/responses</c>: a dated version from 2025-03-01-preview on.</summary>
    ResponsesPreview,
}
