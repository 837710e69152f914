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
    public void A_failed_report_is_counted_by_outcome_and_reason_with_its_duration_and_polls()
    {
        ReportSagaTelemetry.RecordReportFinished(ReportOutcomes.Failed, "retries_exhausted", TimeSpan.FromSeconds(90), polls: 7);

        var finished = Assert.Single(Of(ReportSagaMetricNames.ReportsFinished));
        Assert.Equal(1, finished.Value);
        Assert.Equal("failed", finished.Tags["outcome"]);
        Assert.Equal("retries_exhausted", finished.Tags["reason"]);

        var duration = Assert.Single(Of(ReportSagaMetricNames.ReportDuration));
        Assert.Equal(90, duration.Value);
        Assert.Equal("failed", duration.Tags["outcome"]);

        var polls = Assert.Single(Of(ReportSagaMetricNames.ReportPolls));
        Assert.Equal(7, polls.Value);
        Assert.Equal("failed", polls.Tags["outcome"]);
    }

    [Fact]
    public void A_completed_report_carries_the_reason_none()
    {
        ReportSagaTelemetry.RecordReportFinished(ReportOutcomes.Completed, reason: null, TimeSpan.FromMinutes(2), polls: 3);

        var finished = Assert.Single(Of(ReportSagaMetricNames.ReportsFinished));
        Assert.Equal("completed", finished.Tags["outcome"]);
        Assert.Equal("none", finished.Tags["reason"]);
        Assert.Equal(120, Assert.Single(Of(ReportSagaMetricNames.ReportDuration)).Value);
    }

    [Fact]
    public void Batch_API_calls_are_counted_by_endpoint_and_snake_case_outcome()
    {
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.Status, BatchApiOutcome.RateLimited);
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.RequestReport, BatchApiOutcome.OutcomeUnknown);

        var calls = Of(ReportSagaMetricNames.BatchApiCalls).Select(c => ($"{c.Tags["endpoint"]}", $"{c.Tags["outcome"]}", c.Value));
        Assert.Equal([("status", "rate_limited", 1d), ("request_report", "outcome_unknown", 1d)], calls);
    }

    [Fact]
    public void Reports_started_credits_and_scheduler_lag_are_recorded_in_their_units()
    {
        ReportSagaTelemetry.RecordReportStarted();
        ReportSagaTelemetry.RecordCreditsEstimated(208);
        ReportSagaTelemetry.RecordCreditsUsed(35589);
        ReportSagaTelemetry.RecordSchedulerLag(TimeSpan.FromMilliseconds(1500));

        Assert.Equal(1, Assert.Single(Of(ReportSagaMetricNames.ReportsStarted)).Value);
        Assert.Equal(208, Assert.Single(Of(ReportSagaMetricNames.CreditsEstimated)).Value);
        Assert.Equal(35589, Assert.Single(Of(ReportSagaMetricNames.CreditsUsed)).Value);
        Assert.Equal(1.5, Assert.Single(Of(ReportSagaMetricNames.SchedulerLag)).Value);
    }

    [Fact]
    public void Reports_by_state_reports_what_the_registered_callback_returns()
    {
        using (ReportSagaTelemetry.ObserveReportsByState(() => [("Waiting", 12), ("Submitting", 3)]))
        {
            _listener.RecordObservableInstruments();
        }

        var byState = Of(ReportSagaMetricNames.ReportsByState).Select(m => ($"{m.Tags["state"]}", m.Value));
        Assert.Equal([("Waiting", 12d), ("Submitting", 3d)], byState);
    }

    [Fact]
    public void An_unregistered_gauge_reports_nothing_and_a_stale_registration_cannot_remove_a_newer_one()
    {
        var first = ReportSagaTelemetry.ObserveOutboxBacklog(() => 5);
        first.Dispose();
        _listener.RecordObservableInstruments();
        Assert.Empty(Of(ReportSagaMetricNames.OutboxBacklog));

        var older = ReportSagaTelemetry.ObserveOutboxBacklog(() => 1);
        using var newer = ReportSagaTelemetry.ObserveOutboxBacklog(() => 42);
        older.Dispose();
        _listener.RecordObservableInstruments();

        Assert.Equal(42, Assert.Single(Of(ReportSagaMetricNames.OutboxBacklog)).Value);
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
