using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Orchestration.Telemetry;
using ReportSaga.Orchestration.Reports;

namespace ReportSaga.Persistence.Telemetry;

/// <summary>
/// Feeds the counts read from the shared database: <c>reportsaga.report.count</c> (unfinished reports per saga state, one
/// GROUP BY) and <c>reportsaga.submission_gate.report.count</c>/<c>.max</c> (the gate's line, through
/// <see cref="ISubmissionGrants.CountAsync"/>), every <see cref="ReportGaugeOptions.ReportsByStateInterval"/> (default 15 s); the instruments report
/// those cached counts. The metrics exporter's callback never touches the database, so a slow or unreachable database
/// cannot stall metric collection; it then shows the last counts that could be read. Every replica reports the same
/// numbers, so aggregate across instances with max, not sum.
/// </summary>
public sealed class ReportStateGauge : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<ReportStateGauge> _logger;
    private (string State, long Count)[] _counts = [];
    private SubmissionGateReading? _gate;

    public ReportStateGauge(IServiceScopeFactory scopes, IOptions<ReportGaugeOptions> options, TimeProvider time, ILogger<ReportStateGauge> logger)
    {
        _scopes = scopes;
        _time = time;
        _logger = logger;
        Interval = options.Value.ReportsByStateInterval;
    }

    /// <summary>How often the counts are refreshed.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The counts the gauge reports now; empty until the first refresh succeeded.</summary>
    public IReadOnlyList<(string State, long Count)> Counts => Volatile.Read(ref _counts);

    /// <summary>The submission gate as last counted; null until the first refresh succeeded.</summary>
    public SubmissionGateReading? Gate => Volatile.Read(ref _gate);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var registration = ReportSagaTelemetry.ObserveReportsByState(() => Volatile.Read(ref _counts));
        using var gateRegistration = ReportSagaTelemetry.ObserveSubmissionGate(() => Volatile.Read(ref _gate));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Keep reporting the last counts read; the storage health check tells operators about the database.
                _logger.LogWarning(exception, "Could not count reports by state; the gauge keeps its last values");
            }

            try
            {
                await Task.Delay(Interval, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Counts the live reports per state (one query) and the gate's line, and makes those the instruments' values.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
        // Each unfinished state is always reported, with 0 when no report is in it, so a state that empties does not
        // keep its last value (finished rows stay in the table until retention and are not counted).
        var live = ReportStates.Unfinished.ToArray();
        var found = await db.Reports.AsNoTracking()
            .Where(report => report.CurrentState != null && live.Contains(report.CurrentState))
            .GroupBy(report => report.CurrentState!)
            .Select(group => new { State = group.Key, Count = group.LongCount() })
            .ToDictionaryAsync(row => row.State, row => row.Count, cancellationToken);

        Volatile.Write(ref _counts, ReportStates.Unfinished.Select(state => (state, found.GetValueOrDefault(state))).ToArray());

        // The gate's storage is registered with the bus; a host without it (a tool, a test) has no gate to count.
        if (scope.ServiceProvider.GetService<ISubmissionGrants>() is { } grants)
        {
            var gate = await grants.CountAsync(cancellationToken);
            var cap = scope.ServiceProvider.GetService<IOptions<SubmissionOptions>>()?.Value.MaxInFlight ?? new SubmissionOptions().MaxInFlight;
            Volatile.Write(ref _gate, new SubmissionGateReading(gate.InFlight, gate.Waiting, cap));
        }
    }
}
