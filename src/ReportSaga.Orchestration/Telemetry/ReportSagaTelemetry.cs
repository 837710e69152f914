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
    private static readonly long[] PollBuckets = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233];

    public static readonly Counter<long> ReportStarted = Meter.CreateCounter<long>(
        ReportSagaMetricNames.ReportStarted, "{report}", "Reports accepted (one per new request id).");

    public static readonly Counter<long> ReportFinished = Meter.CreateCounter<long>(
        ReportSagaMetricNames.ReportFinished, "{report}", "Reports that ended, by outcome and, for failed ones, error.type (the reason).");

    public static readonly Histogram<double> ReportDuration = Meter.CreateHistogram(
        ReportSagaMetricNames.ReportDuration, "s", "Time from RequestReport to the report's terminal event, by outcome.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    public static readonly Histogram<long> ReportPolls = Meter.CreateHistogram(
        ReportSagaMetricNames.ReportPolls, "{poll}", "Status checks one report needed, recorded when it ends, by outcome.",
        tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = PollBuckets });

    public static readonly Counter<long> BatchApiCalls = Meter.CreateCounter<long>(
        ReportSagaMetricNames.BatchApiCalls, "{call}", "Batch API calls, by endpoint and, for failed ones, error.type.");

    public static readonly Counter<long> CreditEstimated = Meter.CreateCounter<long>(
        ReportSagaMetricNames.CreditEstimated, "{credit}", "Credits request-validate estimated for accepted reports.");

    public static readonly Counter<long> CreditUsed = Meter.CreateCounter<long>(
        ReportSagaMetricNames.CreditUsed, "{credit}", "Credits the provider charged for completed reports (used_quota).");

    private static readonly CallbackSlot<IEnumerable<(string State, long Count)>> ReportCountSource = new();
    private static readonly CallbackSlot<SubmissionGateReading?> SubmissionGateSource = new();

    /// <summary>
    /// Unfinished reports per saga state: an up-down count (the states add up to all unfinished reports), read from the
    /// callback given to <see cref="ObserveReportsByState"/>.
    /// </summary>
    public static readonly ObservableUpDownCounter<long> ReportCount = Meter.CreateObservableUpDownCounter(
        ReportSagaMetricNames.ReportCount,
        () => ReportCountSource.Read(states => states.Select(s =>
            new Measurement<long>(s.Count, new KeyValuePair<string, object?>(ReportSagaTags.State, s.State)))),
        "{report}", "Reports not yet finished, by saga state.");

    /// <summary>Reports in the submission gate's line, in flight or waiting; read from <see cref="ObserveSubmissionGate"/>.</summary>
    public static readonly ObservableUpDownCounter<long> SubmissionGateReportCount = Meter.CreateObservableUpDownCounter(
        ReportSagaMetricNames.SubmissionGateReportCount,
        () => SubmissionGateSource.Read(reading => reading is null ? [] :
        [
            new Measurement<long>(reading.InFlight, new KeyValuePair<string, object?>(ReportSagaTags.GateState, SubmissionGateStates.InFlight)),
            new Measurement<long>(reading.Waiting, new KeyValuePair<string, object?>(ReportSagaTags.GateState, SubmissionGateStates.Waiting)),
        ]),
        "{report}", "Reports in the submission gate: holding a slot (in_flight) or in line for one (waiting).");

    /// <summary>The gate's cap, <c>Submission__MaxInFlight</c>, so a dashboard shows how full it is.</summary>
    public static readonly ObservableUpDownCounter<long> SubmissionGateReportMax = Meter.CreateObservableUpDownCounter(
        ReportSagaMetricNames.SubmissionGateReportMax,
        () => SubmissionGateSource.Read(reading => reading is null ? [] : [new Measurement<long>(reading.MaxInFlight)]),
        "{report}", "The most reports that may be in flight at once across every instance (Submission__MaxInFlight).");

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
    public static void RecordReportStarted() => ReportStarted.Add(1);

    /// <summary>
    /// A report ended: counts it by outcome and (failed) reason, and records its duration and poll count.
    /// </summary>
    /// <param name="outcome"><see cref="ReportOutcomes.Completed"/> or <see cref="ReportOutcomes.Failed"/>.</param>
    /// <param name="reason">The failure reason, recorded as <c>error.type</c>; null for completed reports (no <c>error.type</c>).</param>
    public static void RecordReportFinished(string outcome, string? reason, TimeSpan duration, int polls)
    {
        var tags = new TagList { { ReportSagaTags.Outcome, outcome } };
        if (reason is not null)
            tags.Add(ReportSagaTags.ErrorType, reason);
        ReportFinished.Add(1, tags);
        ReportDuration.Record(Math.Max(0, duration.TotalSeconds), tags);
        ReportPolls.Record(polls, tags);
    }

    /// <summary>One Batch API call ended with <paramref name="outcome"/> (see <see cref="BatchApiEndpoints"/>); anything but success is its <c>error.type</c>.</summary>
    public static void RecordBatchApiCall(string endpoint, BatchApiOutcome outcome)
    {
        var tags = new TagList { { ReportSagaTags.Endpoint, endpoint } };
        if (outcome != BatchApiOutcome.Success)
            tags.Add(ReportSagaTags.ErrorType, OutcomeTag(outcome));
        BatchApiCalls.Add(1, tags);
    }

    /// <summary>request-validate estimated <paramref name="credits"/> for a report.</summary>
    public static void RecordCreditsEstimated(long credits) => CreditEstimated.Add(credits);

    /// <summary>The provider charged <paramref name="credits"/> (used_quota) for a completed report.</summary>
    public static void RecordCreditsUsed(long credits) => CreditUsed.Add(credits);

    /// <summary>
    /// Registers what <see cref="ReportCount"/> reports. The callback runs on the metrics exporter's thread at
    /// every collection, so it must be quick: return counts cached by a background refresh, not a fresh query.
    /// Dispose the result to unregister; a later registration replaces an earlier one.
    /// </summary>
    public static IDisposable ObserveReportsByState(Func<IEnumerable<(string State, long Count)>> countsByState) =>
        ReportCountSource.Set(countsByState);

    /// <summary>
    /// Registers what the submission gate instruments report (null: nothing counted yet); same rules as
    /// <see cref="ObserveReportsByState"/>.
    /// </summary>
    public static IDisposable ObserveSubmissionGate(Func<SubmissionGateReading?> reading) => SubmissionGateSource.Set(reading);

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
