using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Tokengate.Logging;

/// <summary>
/// The request-log policies in force. The writer's settings (folder, key, retention) are read once at start, but who is
/// logged how follows every configuration reload (a file edit, a change made through the admin API), so a policy set for a
/// consumer applies to its next request. A reload that fails validation is logged and the last good policies stay.
/// </summary>
internal sealed partial class RequestLogPolicies : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly IValidateOptions<RequestLogOptions> _validator;
    private readonly ILogger<RequestLogPolicies> _logger;
    private readonly IDisposable _registration;
    private volatile RequestLogOptions _current;

    public RequestLogPolicies(IConfiguration configuration, IOptions<RequestLogOptions> start, IValidateOptions<RequestLogOptions> validator, ILogger<RequestLogPolicies> logger)
    {
        _configuration = configuration;
        _validator = validator;
        _logger = logger;
        _current = start.Value;
        _registration = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    /// <summary>The options the policies are taken from (validated).</summary>
    public RequestLogOptions Current => _current;

    /// <summary>The policy of a consumer: its own entry, else its group's, else the default.</summary>
    public RequestLogPolicy PolicyFor(string consumer, string? group) => RequestLogMiddleware.PolicyFor(_current, consumer, group);

    public void Dispose() => _registration.Dispose();

    private void Reload()
    {
        try
        {
            var options = new RequestLogOptions();
            _configuration.GetSection(RequestLogOptions.SectionName).Bind(options);
            var result = _validator.Validate(Options.DefaultName, options);
            if (result.Failed)
            {
                LogReloadRejected(_logger, result.FailureMessage);
                return;
            }
            _current = options;
        }
        catch (InvalidOperationException ex)
        {
            LogReloadRejected(_logger, ex.Message);
        }
    }

    [LoggerMessage(2611, LogLevel.Error, "Request-log policy change rejected; the previous policies stay in force: {Errors}")]
    private static partial void LogReloadRejected(ILogger logger, string errors);
}
