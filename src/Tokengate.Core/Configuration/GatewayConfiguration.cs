using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Tokengate.Configuration;

/// <summary>
/// Holds the current <see cref="GatewaySnapshot"/> and replaces it when the configuration source changes.
/// A reload that fails validation is logged with every bad field and the last good snapshot stays in force.
/// </summary>
internal sealed partial class GatewayConfiguration : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly IValidateOptions<GatewayOptions> _validator;
    private readonly GatewaySnapshotBuilder _builder;
    private readonly ILogger<GatewayConfiguration> _logger;
    private readonly IDisposable _reloadRegistration;
    private volatile GatewaySnapshot _current;

    public GatewayConfiguration(
        IConfiguration configuration,
        IOptions<GatewayOptions> startOptions,
        IValidateOptions<GatewayOptions> validator,
        GatewaySnapshotBuilder builder,
        ILogger<GatewayConfiguration> logger)
    {
        _configuration = configuration;
        _validator = validator;
        _builder = builder;
        _logger = logger;
        // IOptions has already run the validator (ValidateOnStart), so the start snapshot is known good, but for
        // secrets in remote stores, which are first read here: those fail the start the way validation does.
        try
        {
            _current = builder.Build(startOptions.Value);
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(GatewayOptions.SectionName, typeof(GatewayOptions), [ex.Message]);
        }
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public GatewaySnapshot Current => _current;

    /// <summary>Raised after a new snapshot is in force.</summary>
    public event Action<GatewaySnapshot>? Reloaded;

    public void Dispose() => _reloadRegistration.Dispose();

    private void Reload()
    {
        try
        {
            var options = new GatewayOptions();
            _configuration.GetSection(GatewayOptions.SectionName).Bind(options);
            var result = _validator.Validate(Options.DefaultName, options);
            if (result.Failed)
            {
                LogReloadRejected(_logger, string.Join(Environment.NewLine, result.Failures));
                return;
            }
            _current = _builder.Build(options);
            LogReloaded(_logger, _current.Pools.Count);
            Reloaded?.Invoke(_current);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            LogReloadRejected(_logger, ex.Message);
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Configuration change rejected; the previous configuration stays in force:\n{Errors}")]
    private static partial void LogReloadRejected(ILogger logger, string errors);

    [LoggerMessage(2, LogLevel.Information, "Configuration reloaded: {PoolCount} pools")]
    private static partial void LogReloaded(ILogger logger, int poolCount);
}
