using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Telemetry;
using ReportSaga.Persistence.Reports;

namespace ReportSaga.Persistence.Telemetry;

/// <summary>
/// Feeds the per-requester instruments (<c>reportsaga.requester.report.count</c>, <c>reportsaga.requester.credit.spent</c>)
/// from the shared database, at the interval of <see cref="ReportStateGauge"/>; the exporter's callback reads the cached
/// values only. The busiest <see cref="MaxRequesters"/> requesters are reported, so a publisher inventing names cannot
/// grow the metric's cardinality without bound. Every replica reports the same numbers: aggregate with max.
/// </summary>
public sealed class RequesterUsageGauge(IRequesterUsageReader reader, IOptions<ReportGaugeOptions> options, TimeProvider time, ILogger<RequesterUsageGauge> logger)
    : BackgroundService
{
    /// <summary>The most requesters reported at once.</summary>
    public const int MaxRequesters = 50;

    private IReadOnlyList<RequesterUsage> _usage = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReportsByStateInterval;
        using var registration = FairShareTelemetry.ObserveRequesters(() => Volatile.Read(ref _usage));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Volatile.Write(ref _usage, await reader.ReadAsync(MaxRequesters, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Could not read the requesters' usage; the gauges keep their last values");
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
