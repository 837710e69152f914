using System.Diagnostics;
using System.Diagnostics.Metrics;
using ReportSaga.BatchApi;

namespace ReportSaga.Orchestration.Telemetry;

/// <summary>
/// The service's own traces and metrics, on plain System.Diagnostics types, so the saga, the consumers and
/// persistence record without depending on OpenTelemetry. The host subscribes to <see cref="SourceName"/> and
/// <see cref="MeterName"/>; when nothing listens, every call here costs next to nothing.
/// </summary>
public static class ReportSagaTelemetry
{
    /// <summary>Name of both the ActivitySource and the Meter.</summary>
    public const string SourceName = "ReportSaga";

    /// <summary>Same as <see cref="SourceName"/>: one name to subscribe to for traces and metrics.</summary>
    public const string MeterName = SourceName;

    private static readonly string? Version = typeof(ReportSagaTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource ActivitySource = new(SourceName, Version);
    public static readonly Meter Meter = new(MeterName, Version);

    // Reports take from seconds to hours; the SDK's default buckets are made for milliseconds.
    private static readonly double[] DurationBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 43200];
    private static readonly double[] LagBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
    private static readonly long[] PollBuckets = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233];

    public static readonly Counter<long> ReportsStarted = Meter.CreateCounter<long>(
        ReportSagaMetricNames.ReportsStarted, "{report}", "Reports accepted (one per new request id).");

    public static readonly Counter<long> ReportsFinished = Meter.CreateCounter<long>(
        ReportSagaMetricNames.ReportsFinished, "{report}", "Reports that ended, by outcome and reason.");

    public static readonly Counter<long> BatchApiCalls = Meter.CreateCounter<long>(
        ReportSagaMetricNames.BatchApiCalls, "{call}", "Batch API calls, by endpoint and outcome.");

    public static readonly Counter<long> CreditsEstimated = Meter.CreateCounter<long>(
        ReportSagaMetricNames.CreditsEstimated, "{credit}", "Credits request-validate estimated for accepted reports.");

    public static readonly Counter<long> CreditsUsed = Meter.CreateCounter<long>(
        ReportSagaMetricNames.CreditsUsed, "{credit}", "Credits the provider charged for completed reports (used_quota).");

    public static readonly Histogram<double> ReportDuration = Meter.CreateHistogram(
        ReportSagaMetricNames.ReportDuration, "s", "Time from RequestReport to the report's terminal event, by outcome.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    public static readonly Histogram<long> ReportPolls = Meter.CreateHistogram(
        ReportSagaMetricNames.ReportPolls, "{poll}", "Status checks one report needed, recorded when it ends, by outcome.",
        tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = PollBuckets });

    public static readonly Histogram<double> SchedulerLag = Meter.CreateHistogram(
        ReportSagaMetricNames.SchedulerLag, "s", "How late the scheduler sent a due message.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });

    private static readonly CallbackSlot<IEnumerable<(string State, long Count)>> ReportsByStateSource = new();
    private static readonly CallbackSlot<long> OutboxBacklogSource = new();

    /// <summary>Observable gauge of live reports per state; reads the callback given to <see cref="ObserveReportsByState"/>.</summary>
    public static readonly ObservableGauge<long> ReportsByState = Meter.CreateObservableGauge(
        ReportSagaMetricNames.ReportsByState,
        () => ReportsByStateSource.Read(states => states.Select(s =>
            new Measurement<long>(s.Count, new KeyValuePair<string, object?>(ReportSagaTags.State, s.State)))),
        "{report}", "Reports not yet finished, by saga state.");

    /// <summary>Observable gauge of undelivered outbox messages; reads the callback given to <see cref="ObserveOutboxBacklog"/>.</summary>
    public static readonly ObservableGauge<long> OutboxBacklog = Meter.CreateObservableGauge(
        ReportSagaMetricNames.OutboxBacklog,
        () => OutboxBacklogSource.Read(count => [new Measurement<long>(count)]),
        "{message}", "Outbox messages stored and not yet delivered.");

    /// <summary>
    /// Starts a span for one step of one report (validate, submit, a status check, …) as a child of the current
    /// activity (the consumed message's span), tagged with the request id. Null when nothing listens.
    /// Dispose it to end it.
    /// </summary>
    /// <param name="name">Span name, short and low-cardinality (e.g. "report validate"); ids go in tags, not here.</param>
    public static Activity? StartStep(string name, Guid requestId, string? reportId = null, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = ActivitySource.StartActivity(name, kind);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag(ReportSagaTags.RequestId, requestId.ToString());
        if (reportId is not null)
        {
            activity.SetTag(ReportSagaTags.ReportId, reportId);
        }

        return activity;
    }

    /// <summary>
    /// Starts a step span under a stored W3C trace parent rather than the current activity: for a step of one
    /// report that another report's message set off. Falls back to <see cref="StartStep"/> without a valid parent.
    /// </summary>
    public static Activity? StartStepUnder(string? traceParent, string name, Guid requestId, string? reportId = null)
    {
        if (traceParent is null || !ActivityContext.TryParse(traceParent, null, out var parent))
            return StartStep(name, requestId, reportId);

        var activity = ActivitySource.StartActivity(name, ActivityKind.Internal, parent);
        activity?.SetTag(ReportSagaTags.RequestId, requestId.ToString());
        if (reportId is not null)
            activity?.SetTag(ReportSagaTags.ReportId, reportId);
        return activity;
    }

    /// <summary>Marks a step span as failed with a ReportFailureReasons value (no secret may be in <paramref name="description"/>).</summary>
    public static void MarkFailed(Activity? activity, string reason, string? description = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(ReportSagaTags.Reason, reason);
        activity.SetStatus(ActivityStatusCode.Error, description ?? reason);
    }

    /// <summary>A new report was accepted (call once per request id, not for duplicates).</summary>
    public static void RecordReportStarted() => ReportsStarted.Add(1);

    /// <summary>
    /// A report ended: counts it by outcome and reason and records its duration and poll count.
    /// </summary>
    /// <param name="outcome"><see cref="ReportOutcomes.Completed"/> or <see cref="ReportOutcomes.Failed"/>.</param>
    /// <param name="reason">The failure reason; null for completed reports (recorded as "none").</param>
    public static void RecordReportFinished(string outcome, string? reason, TimeSpan duration, int polls)
    {
        var outcomeTag = new KeyValuePair<string, object?>(ReportSagaTags.Outcome, outcome);
        ReportsFinished.Add(1, outcomeTag, new KeyValuePair<string, object?>(ReportSagaTags.MetricReason, reason ?? "none"));
        ReportDuration.Record(Math.Max(0, duration.TotalSeconds), outcomeTag);
        ReportPolls.Record(polls, outcomeTag);
    }

    /// <summary>One Batch API call ended with <paramref name="outcome"/> (see <see cref="BatchApiEndpoints"/>).</summary>
    public static void RecordBatchApiCall(string endpoint, BatchApiOutcome outcome) =>
        BatchApiCalls.Add(1,
            new KeyValuePair<string, object?>(ReportSagaTags.Endpoint, endpoint),
            new KeyValuePair<string, object?>(ReportSagaTags.Outcome, OutcomeTag(outcome)));

    /// <summary>request-validate estimated <paramref name="credits"/> for a report.</summary>
    public static void RecordCreditsEstimated(long credits) => CreditsEstimated.Add(credits);

    /// <summary>The provider charged <paramref name="credits"/> (used_quota) for a completed report.</summary>
    public static void RecordCreditsUsed(long credits) => CreditsUsed.Add(credits);

    /// <summary>The scheduler sent a message <paramref name="lag"/> after it was due.</summary>
    public static void RecordSchedulerLag(TimeSpan lag) => SchedulerLag.Record(Math.Max(0, lag.TotalSeconds));

    /// <summary>
    /// Registers what <see cref="ReportsByState"/> reports. The callback runs on the metrics exporter's thread at
    /// every collection, so it must be quick: return counts cached by a background refresh, not a fresh query.
    /// Dispose the result to unregister; a later registration replaces an earlier one.
    /// </summary>
    public static IDisposable ObserveReportsByState(Func<IEnumerable<(string State, long Count)>> countsByState) =>
        ReportsByStateSource.Set(countsByState);

    /// <summary>Registers what <see cref="OutboxBacklog"/> reports; same rules as <see cref="ObserveReportsByState"/>.</summary>
    public static IDisposable ObserveOutboxBacklog(Func<long> backlog) => OutboxBacklogSource.Set(backlog);

    /// <summary>The snake_case tag value of a call outcome: success, invalid, rate_limited, unauthorized, …</summary>
    public static string OutcomeTag(BatchApiOutcome outcome) => outcome switch
    {
        BatchApiOutcome.Success => "success",
        BatchApiOutcome.Invalid => "invalid",
        BatchApiOutcome.RateLimited => "rate_limited",
        BatchApiOutcome.Unauthorized => "unauthorized",
        BatchApiOutcome.TransientFailure => "transient_failure",
        BatchApiOutcome.OutcomeUnknown => "outcome_unknown",
        _ => "other",
    };
}
