using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ReportSaga.Persistence.Telemetry;

/// <summary>
/// The persistence layer's instruments on Meter <c>ReportSaga</c> and its spans on ActivitySource <c>ReportSaga</c>
/// (add both names to OpenTelemetry: <c>AddMeter("ReportSaga")</c>, <c>AddSource("ReportSaga")</c>).
/// </summary>
public sealed class PersistenceTelemetry
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "ReportSaga";

    /// <summary>Spans of the scheduler and outbox dispatchers, each under the stored message's own parent.</summary>
    internal static readonly ActivitySource ActivitySource = new(Name);

    private readonly Histogram<double> _schedulerLag;
    private readonly Counter<long> _schedulerFailedAttempts;
    private readonly Counter<long> _outboxFailedAttempts;
    private long _schedulerBacklog;
    private long _schedulerParked;
    private long _outboxBacklog;
    private long _outboxParked;

    /// <summary>Creates the instruments from the host's meter factory.</summary>
    public PersistenceTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _schedulerLag = meter.CreateHistogram<double>("reportsaga.scheduler.lag", unit: "s",
            description: "How late each scheduled message was sent: send time minus due time.");
        meter.CreateObservableGauge("reportsaga.scheduler.backlog", () => Interlocked.Read(ref _schedulerBacklog), unit: "{message}",
            description: "Scheduled messages past their due time and not yet sent, as of the dispatcher's last pass.");
        meter.CreateObservableGauge("reportsaga.outbox.backlog", () => Interlocked.Read(ref _outboxBacklog), unit: "{message}",
            description: "Outbox messages stored and not yet delivered to the broker (parked ones aside), as of the outbox dispatcher's last pass.");
        _schedulerFailedAttempts = meter.CreateCounter<long>("reportsaga.scheduler.failed_attempts", unit: "{attempt}",
            description: "Failed sends of scheduled messages counted against their row (the row backs off, and is parked at the limit).");
        meter.CreateObservableGauge("reportsaga.scheduler.parked", () => Interlocked.Read(ref _schedulerParked), unit: "{message}",
            description: "Scheduled messages parked after too many failed sends, waiting for an operator, as of the dispatcher's last pass.");
        _outboxFailedAttempts = meter.CreateCounter<long>("reportsaga.outbox.failed_attempts", unit: "{attempt}",
            description: "Failed deliveries of a consumed message's outbox counted against it (it backs off, and is parked at the limit).");
        meter.CreateObservableGauge("reportsaga.outbox.parked", () => Interlocked.Read(ref _outboxParked), unit: "{message}",
            description: "Consumed messages whose outbox is parked after too many failed deliveries, waiting for an operator, as of the sweep's last pass.");
    }

    internal void RecordSchedulerLag(TimeSpan lag) => _schedulerLag.Record(Math.Max(0, lag.TotalSeconds));

    internal void SetSchedulerBacklog(long count) => Interlocked.Exchange(ref _schedulerBacklog, count);

    internal void SetOutboxBacklog(long count) => Interlocked.Exchange(ref _outboxBacklog, count);

    internal void RecordSchedulerFailedAttempt() => _schedulerFailedAttempts.Add(1);

    internal void SetSchedulerParked(long count) => Interlocked.Exchange(ref _schedulerParked, count);

    internal void RecordOutboxFailedAttempt() => _outboxFailedAttempts.Add(1);

    internal void SetOutboxParked(long count) => Interlocked.Exchange(ref _outboxParked, count);

    /// <summary>
    /// Starts a span under a stored W3C parent, or under nothing: never under whatever happens to be current (a
    /// dispatcher's poll), which would split the report's trace in two.
    /// </summary>
    internal static Activity? StartUnderStoredParent(string name, string? traceParent)
    {
        Activity.Current = null;
        return traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent)
            ? ActivitySource.StartActivity(name, ActivityKind.Producer, parent)
            : ActivitySource.StartActivity(name, ActivityKind.Producer, default(ActivityContext));
    }
}
