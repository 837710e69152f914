using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ReportSaga.EntityFrameworkCoreIntegration.Telemetry;

/// <summary>
/// The persistence layer's instruments on Meter <c>ReportSaga</c> and its spans on ActivitySource <c>ReportSaga</c>
/// (add both names to OpenTelemetry: <c>AddMeter("ReportSaga")</c>, <c>AddSource("ReportSaga")</c>): every instrument
/// the stand-ins record (scheduler and outbox), in one place. The application's own instruments share the meter's
/// name but are defined where they are recorded.
/// </summary>
public sealed class PersistenceTelemetry
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "ReportSaga";

    /// <summary>Histogram (s): how late each scheduled message was sent.</summary>
    public const string SchedulerLag = "reportsaga.scheduler.lag";

    /// <summary>Observable up-down counter: scheduled messages past their due time and not yet sent (parked ones aside).</summary>
    public const string SchedulerBacklog = "reportsaga.scheduler.backlog";

    /// <summary>Observable up-down counter: scheduled messages parked after too many failed sends.</summary>
    public const string SchedulerParked = "reportsaga.scheduler.parked";

    /// <summary>Counter: failed sends of scheduled messages counted against their row.</summary>
    public const string SchedulerFailedAttempts = "reportsaga.scheduler.failed_attempts";

    /// <summary>Observable up-down counter: outbox messages stored and not yet delivered (parked ones aside).</summary>
    public const string OutboxBacklog = "reportsaga.outbox.backlog";

    /// <summary>Observable up-down counter: consumed messages whose outbox is parked after too many failed deliveries.</summary>
    public const string OutboxParked = "reportsaga.outbox.parked";

    /// <summary>Counter: failed outbox deliveries counted against their message.</summary>
    public const string OutboxFailedAttempts = "reportsaga.outbox.failed_attempts";

    /// <summary>
    /// Scheduler lag runs from milliseconds (a healthy dispatcher) to minutes (one that cannot keep up, or a broker
    /// outage); the SDK's default buckets are made for milliseconds and would put all of it past 10 s in one bucket.
    /// </summary>
    private static readonly double[] LagBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

    /// <summary>Spans of the scheduler and outbox dispatchers, each under the stored message's own parent.</summary>
    internal static readonly ActivitySource ActivitySource = new(Name);

    private readonly Histogram<double> _schedulerLag;
    private readonly Counter<long> _schedulerFailedAttempts;
    private readonly Counter<long> _outboxFailedAttempts;
    private long _schedulerBacklog;
    private long _schedulerParked;
    private long _outboxBacklog;
    private long _outboxParked;

    /// <summary>
    /// Creates the instruments from the host's meter factory. The counts of stored rows are up-down counters (they add
    /// up within one instance), but they are counted from the shared database: every replica reports the same numbers,
    /// so aggregate them across instances with max, not sum.
    /// </summary>
    public PersistenceTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _schedulerLag = meter.CreateHistogram(SchedulerLag, unit: "s",
            description: "How late each scheduled message was sent: send time minus due time.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        meter.CreateObservableUpDownCounter(SchedulerBacklog, () => Interlocked.Read(ref _schedulerBacklog), unit: "{message}",
            description: "Scheduled messages past their due time and not yet sent, as of the dispatcher's last pass.");
        meter.CreateObservableUpDownCounter(OutboxBacklog, () => Interlocked.Read(ref _outboxBacklog), unit: "{message}",
            description: "Outbox messages stored and not yet delivered to the broker (parked ones aside), as of the outbox dispatcher's last pass.");
        _schedulerFailedAttempts = meter.CreateCounter<long>(SchedulerFailedAttempts, unit: "{attempt}",
            description: "Failed sends of scheduled messages counted against their row (the row backs off, and is parked at the limit).");
        meter.CreateObservableUpDownCounter(SchedulerParked, () => Interlocked.Read(ref _schedulerParked), unit: "{message}",
            description: "Scheduled messages parked after too many failed sends, waiting for an operator, as of the dispatcher's last pass.");
        _outboxFailedAttempts = meter.CreateCounter<long>(OutboxFailedAttempts, unit: "{attempt}",
            description: "Failed deliveries of a consumed message's outbox counted against it (it backs off, and is parked at the limit).");
        meter.CreateObservableUpDownCounter(OutboxParked, () => Interlocked.Read(ref _outboxParked), unit: "{message}",
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
