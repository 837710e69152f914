using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using ReportSaga.BatchApi;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.UnitTests.Telemetry;

/// <summary>What the saga's recording calls put on the "ReportSaga" meter and activity source.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class ReportSagaTelemetryTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Recorded> _recorded = new();
    private readonly ConcurrentQueue<string> _publishedInstruments = new();

    public ReportSagaTelemetryTests()
    {
        _ = ReportSagaTelemetry.Meter; // create the instruments before the listener looks for them
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ReportSagaTelemetry.MeterName)
            {
                _publishedInstruments.Enqueue(instrument.Name);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _recorded.Enqueue(new Recorded(instrument.Name, value, ToDictionary(tags))));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _recorded.Enqueue(new Recorded(instrument.Name, value, ToDictionary(tags))));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public void Every_documented_metric_name_is_an_instrument_of_the_meter()
    {
        var documented = typeof(ReportSagaMetricNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => (string)field.GetRawConstantValue()!);

        Assert.Equal(documented.Order(), _publishedInstruments.Distinct().Order());
    }

    [Fact]
    public void A_failed_report_is_counted_by_outcome_with_its_reason_as_error_type_and_its_duration_and_polls()
    {
        ReportSagaTelemetry.RecordReportFinished(ReportOutcomes.Failed, "retries_exhausted", TimeSpan.FromSeconds(90), polls: 7);

        var finished = Assert.Single(Of(ReportSagaMetricNames.ReportFinished));
        Assert.Equal(1, finished.Value);
        Assert.Equal("failed", finished.Tags["reportsaga.report.outcome"]);
        Assert.Equal("retries_exhausted", finished.Tags["error.type"]);

        var duration = Assert.Single(Of(ReportSagaMetricNames.ReportDuration));
        Assert.Equal(90, duration.Value);
        Assert.Equal("failed", duration.Tags["reportsaga.report.outcome"]);
        Assert.Equal("retries_exhausted", duration.Tags["error.type"]);

        var polls = Assert.Single(Of(ReportSagaMetricNames.ReportPolls));
        Assert.Equal(7, polls.Value);
        Assert.Equal("failed", polls.Tags["reportsaga.report.outcome"]);
    }

    [Fact]
    public void A_completed_report_carries_no_error_type()
    {
        ReportSagaTelemetry.RecordReportFinished(ReportOutcomes.Completed, reason: null, TimeSpan.FromMinutes(2), polls: 3);

        var finished = Assert.Single(Of(ReportSagaMetricNames.ReportFinished));
        Assert.Equal("completed", finished.Tags["reportsaga.report.outcome"]);
        Assert.False(finished.Tags.ContainsKey("error.type"));
        Assert.Equal(120, Assert.Single(Of(ReportSagaMetricNames.ReportDuration)).Value);
    }

    [Fact]
    public void Batch_API_calls_are_counted_by_endpoint_with_a_snake_case_error_type_when_they_fail()
    {
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.Status, BatchApiOutcome.RateLimited);
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.RequestReport, BatchApiOutcome.OutcomeUnknown);
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.Validate, BatchApiOutcome.Success);

        var calls = Of(ReportSagaMetricNames.BatchApiCalls)
            .Select(c => ($"{c.Tags["reportsaga.batch_api.endpoint"]}", c.Tags.TryGetValue("error.type", out var error) ? $"{error}" : null, c.Value));
        Assert.Equal([("status", "rate_limited", 1d), ("request_report", "outcome_unknown", 1d), ("validate", null, 1d)], calls);
    }

    [Fact]
    public void Reports_started_and_credits_are_recorded_in_their_units()
    {
        ReportSagaTelemetry.RecordReportStarted();
        ReportSagaTelemetry.RecordCreditsEstimated(208);
        ReportSagaTelemetry.RecordCreditsUsed(35589);

        Assert.Equal(1, Assert.Single(Of(ReportSagaMetricNames.ReportStarted)).Value);
        Assert.Equal(208, Assert.Single(Of(ReportSagaMetricNames.CreditEstimated)).Value);
        Assert.Equal(35589, Assert.Single(Of(ReportSagaMetricNames.CreditUsed)).Value);
    }

    [Fact]
    public void The_report_count_reports_what_the_registered_callback_returns()
    {
        using (ReportSagaTelemetry.ObserveReportsByState(() => [("Waiting", 12), ("Submitting", 3)]))
        {
            _listener.RecordObservableInstruments();
        }

        var byState = Of(ReportSagaMetricNames.ReportCount).Select(m => ($"{m.Tags["reportsaga.report.state"]}", m.Value));
        Assert.Equal([("Waiting", 12d), ("Submitting", 3d)], byState);
    }

    [Fact]
    public void The_submission_gate_reports_in_flight_and_waiting_reports_and_its_cap()
    {
        using (ReportSagaTelemetry.ObserveSubmissionGate(() => new SubmissionGateReading(InFlight: 90, Waiting: 412, MaxInFlight: 90)))
        {
            _listener.RecordObservableInstruments();
        }

        var line = Of(ReportSagaMetricNames.SubmissionGateReportCount).Select(m => ($"{m.Tags["reportsaga.submission_gate.report.state"]}", m.Value));
        Assert.Equal([("in_flight", 90d), ("waiting", 412d)], line);
        Assert.Equal(90, Assert.Single(Of(ReportSagaMetricNames.SubmissionGateReportMax)).Value);
    }

    [Fact]
    public void An_unregistered_count_reports_nothing_and_a_stale_registration_cannot_remove_a_newer_one()
    {
        var first = ReportSagaTelemetry.ObserveSubmissionGate(() => new SubmissionGateReading(5, 0, 90));
        first.Dispose();
        _listener.RecordObservableInstruments();
        Assert.Empty(Of(ReportSagaMetricNames.SubmissionGateReportMax));

        var older = ReportSagaTelemetry.ObserveSubmissionGate(() => new SubmissionGateReading(1, 0, 10));
        using var newer = ReportSagaTelemetry.ObserveSubmissionGate(() => new SubmissionGateReading(42, 0, 50));
        older.Dispose();
        _listener.RecordObservableInstruments();

        Assert.Equal(50, Assert.Single(Of(ReportSagaMetricNames.SubmissionGateReportMax)).Value);
    }

    [Fact]
    public void A_step_span_is_a_child_of_the_current_activity_tagged_with_the_report()
    {
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ReportSagaTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(activityListener);
        var requestId = Guid.NewGuid();

        using var parent = ReportSagaTelemetry.ActivitySource.StartActivity("consume CheckReportStatus");
        using var step = ReportSagaTelemetry.StartStep("report status-check", requestId, reportId: "845d6440");

        Assert.NotNull(step);
        Assert.Equal("report status-check", step.DisplayName);
        Assert.Equal(parent!.SpanId, step.ParentSpanId);
        Assert.Equal(parent.TraceId, step.TraceId);
        Assert.Equal(requestId.ToString(), step.GetTagItem(ReportSagaTags.RequestId));
        Assert.Equal("845d6440", step.GetTagItem(ReportSagaTags.ReportId));
    }

    [Fact]
    public void A_failed_step_carries_the_reason_and_an_error_status()
    {
        using var span = new Activity("report submit").Start();

        ReportSagaTelemetry.MarkFailed(span, "submission_uncertain", "timeout after sending");

        Assert.Equal("submission_uncertain", span.GetTagItem(ReportSagaTags.Reason));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("timeout after sending", span.StatusDescription);
    }

    private List<Recorded> Of(string instrument) => _recorded.Where(r => r.Instrument == instrument).ToList();

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

    private sealed record Recorded(string Instrument, double Value, Dictionary<string, object?> Tags);
}
