using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>
/// Removes inbox rows older than <see cref="ReportSagaOutboxOptions.InboxRetention"/>: delivered ones, and ones whose
/// message was never consumed (it failed and went to the error queue). Rows consumed but not yet delivered stay:
/// their outbox messages still have to go out.
/// </summary>
internal sealed class InboxCleanupService(
    IMessagingDbContextFactory factory,
    TimeProvider time,
    IOptions<ReportSagaOutboxOptions> options,
    ILogger<InboxCleanupService> logger) : BackgroundService
{
    private readonly ReportSagaOutboxOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.RunInboxCleanup)
            return;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.CleanupInterval, time, stoppingToken);
                await CleanupOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Inbox cleanup failed");
            }
        }
    }

    internal async Task<int> CleanupOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var cutoff = time.GetUtcNow().UtcDateTime - _options.InboxRetention;
        var removed = await db.Set<InboxState>()
            .Where(x => (x.Delivered != null && x.Delivered < cutoff) || (x.Consumed == null && x.Received < cutoff))
            .ExecuteDeleteAsync(cancellationToken);
        if (removed > 0)
            logger.LogDebug("Removed {Count} expired inbox rows", removed);
        return removed;
    }
}
