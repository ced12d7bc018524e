using System.Threading.Channels;

namespace Tokengate.Accounting;

/// <summary>
/// Threshold alerts on their way from the budget store to <see cref="BudgetAlertSender"/>. Unbounded because it holds
/// at most one alert per budget, period and threshold.
/// </summary>
internal sealed class BudgetAlertQueue
{
    private readonly Channel<BudgetAlert> _channel = Channel.CreateUnbounded<BudgetAlert>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<BudgetAlert> Reader => _channel.Reader;

    public void Enqueue(BudgetAlert alert) => _channel.Writer.TryWrite(alert);
}
