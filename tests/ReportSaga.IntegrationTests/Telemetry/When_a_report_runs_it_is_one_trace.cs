using System.Diagnostics;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Orchestration.Telemetry;
using static ReportSaga.IntegrationTests.Telemetry.TraceStory;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>
/// The service on RabbitMQ and PostgreSQL, exporting to a real OTLP receiver, runs a report the simulator fails once
/// with internal_error: validate, submit, polls, the retry call, more polls, completion. Every step after the
/// first goes through the database-backed scheduler or the broker, so each hop is a place the trace could break.
/// An operator must find the whole story in one trace, with every span hanging off its real parent.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class When_a_report_runs_it_is_one_trace(OtlpReceiverFixture receiver, InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan ReportLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExportLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_report_published_inside_a_trace_continues_that_trace_to_its_completion()
    {
        await using var service = await ObservedReportService.StartAsync(receiver, infrastructure);
        var requestId = Guid.NewGuid();

        var traceId = await service.PublishWithTraceParentAsync(new RequestReport
        {
            RequestId = requestId,
            Report = ObservedReportService.ReportBody("traced [sim:internal_error]"),
        });
        await service.Outcomes.WaitForCompletedAsync(requestId, ReportLimit);
        await service.FlushSpansUntilAsync(async () => IsExportedUpToCompletion(await receiver.GetTraceAsync(traceId)), ExportLimit);
        await service.StopServiceAsync();

        var trace = await WaitForStoryAsync(traceId);
        var tree = Describe(trace);

        var root = Assert.Single(trace, span => span.IsRoot);
        Assert.True(root.ServiceName == service.PublisherServiceName && root.Name == "request report",
            $"The publisher's span must be the root of the report's trace:\n{tree}");
        Assert.True(trace.Any(s => s.Kind == ActivityKind.Producer && s.Name.Contains("RequestReport", StringComparison.Ordinal) && s.ParentSpanId == root.SpanId),
            $"The RequestReport publish must hang off the publisher's span:\n{tree}");

        AssertWholeStory(trace, requestId, service);
        await AssertNoOtherTraceAsync(requestId, traceId);
    }

    [Fact]
    public async Task A_report_published_without_a_trace_parent_gets_one_trace_of_its_own()
    {
        await using var service = await ObservedReportService.StartAsync(receiver, infrastructure);
        var requestId = Guid.NewGuid();

        await service.PublishWithoutTraceParentAsync(requestId, ObservedReportService.ReportBody("untraced publisher [sim:internal_error]"));
        await service.Outcomes.WaitForCompletedAsync(requestId, ReportLimit);
        await service.FlushSpansUntilAsync(async () =>
        {
            var spans = await receiver.GetSpansAsync(service.ServiceName);
            var traces = MentioningRequest(spans, requestId).Select(s => s.TraceId).Distinct().ToList();
            return traces.Count == 1 && IsExportedUpToCompletion(spans.Where(s => s.TraceId == traces[0]).ToList());
        }, ExportLimit);
        await service.StopServiceAsync();

        var traceIds = MentioningRequest(await receiver.GetSpansAsync(), requestId).Select(s => s.TraceId).Distinct().ToList();
        var traceId = Assert.Single(traceIds);

        var trace = await WaitForStoryAsync(traceId);
        var tree = Describe(trace);
        var root = Assert.Single(trace, span => span.IsRoot);
        Assert.True(root.ServiceName == service.ServiceName && root.Kind == ActivityKind.Consumer,
            $"Without a parent, the service's receipt of the RequestReport must be the root:\n{tree}");

        AssertWholeStory(trace, requestId, service);
        await AssertNoOtherTraceAsync(requestId, traceId);
    }

    /// <summary>Validate, submit, several polls, the retry call, completion: each step, its HTTP call, its parent.</summary>
    private static void AssertWholeStory(IReadOnlyList<ExportedSpan> trace, Guid requestId, ObservedReportService service)
    {
        var tree = Describe(trace);
        Assert.True(Orphans(trace).Count == 0, $"Every span's parent must be in the trace:\n{tree}");

        Assert.True(Steps(trace, Validate).Count == 1, $"one '{Validate}':\n{tree}");
        Assert.True(Steps(trace, Submit).Count == 1, $"one '{Submit}':\n{tree}");
        Assert.True(Steps(trace, Retry).Count == 1, $"one '{Retry}':\n{tree}");
        var polls = Steps(trace, StatusCheck);
        Assert.True(polls.Count >= 3, $"several '{StatusCheck}' (before and after the retry):\n{tree}");
        var statuses = polls.OrderBy(p => p.StartTime).Select(p => p.Attribute(ReportSagaTags.ProviderStatus)).ToList();
        Assert.Contains("internal_error", statuses);
        Assert.Equal("completed", statuses[^1]);
        Assert.All(trace.Where(s => s.ScopeName == ReportSagaTelemetry.SourceName && s.Name.StartsWith("report ", StringComparison.Ordinal)),
            step => Assert.Equal(requestId.ToString(), step.Attribute(ReportSagaTags.RequestId)));

        // Each provider call is a client span under its step.
        var simulator = service.Simulator.BaseAddress.GetLeftPart(UriPartial.Authority);
        var calls = trace.Where(s => s.Kind == ActivityKind.Client && s.Attribute("url.full")?.StartsWith(simulator, StringComparison.Ordinal) == true).ToList();
        foreach (var (step, path) in new[]
                 {
                     (Validate, "/batch/v4/request-validate"), (Submit, "/batch/v4/request-report"),
                     (StatusCheck, "/v3/batch/request-status/"), (Retry, "/v3/batch/retry-report/"),
                 })
        {
            Assert.True(calls.Any(call => call.Attribute("url.full")!.Contains(path, StringComparison.Ordinal)
                    && HasAncestor(call, trace, s => s.ScopeName == ReportSagaTelemetry.SourceName && s.Name == step)),
                $"an HTTP call to {path} under '{step}':\n{tree}");
        }

        // Wake-ups (polls, the retry) leave through the database-backed scheduler and come back into this trace.
        Assert.True(trace.Count(s => s.Name == "scheduler deliver") >= polls.Count,
            $"each poll's wake-up delivered by the scheduler within the trace:\n{tree}");

        var completed = Assert.Single(trace, IsCompletedPublish);
        Assert.Equal(service.ServiceName, completed.ServiceName);
    }

    /// <summary>No span anywhere mentions the request id outside its one trace.</summary>
    private async Task AssertNoOtherTraceAsync(Guid requestId, string traceId)
    {
        var mentioning = MentioningRequest(await receiver.GetSpansAsync(), requestId);
        var elsewhere = mentioning.Where(s => s.TraceId != traceId).ToList();
        Assert.True(elsewhere.Count == 0,
            $"Spans of request {requestId} outside trace {traceId}:\n{string.Join("\n", elsewhere.Select(s => "  " + s))}");
    }

    /// <summary>The completion is exported, and so is every span on its way back to the root.</summary>
    private static bool IsExportedUpToCompletion(IReadOnlyList<ExportedSpan> spans) =>
        spans.Any(IsCompletedPublish) && Orphans(spans).Count == 0;

    /// <summary>The trace once it holds the completion and no span waits for a parent still on its way; else what arrived.</summary>
    private async Task<IReadOnlyList<ExportedSpan>> WaitForStoryAsync(string traceId)
    {
        try
        {
            return await receiver.WaitForTraceAsync(traceId, IsExportedUpToCompletion, ExportLimit);
        }
        catch (TimeoutException)
        {
            return await receiver.GetTraceAsync(traceId); // the assertions say what is wrong with it
        }
    }
}
