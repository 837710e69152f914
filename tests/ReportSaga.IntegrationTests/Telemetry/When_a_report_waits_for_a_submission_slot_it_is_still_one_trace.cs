using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Infrastructure;
using static ReportSaga.IntegrationTests.Telemetry.TraceStory;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>
/// With one submission slot, the second report is granted its slot when the first one ends: the grant arrives in
/// the first report's trace. The second report's submission, polls and completion must still be in its own trace.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class When_a_report_waits_for_a_submission_slot_it_is_still_one_trace(OtlpReceiverFixture receiver, InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task The_queued_reports_submission_and_completion_are_in_its_own_trace()
    {
        await using var service = await ObservedReportService.StartAsync(receiver, infrastructure,
            extraSettings: new Dictionary<string, string?> { ["Submission:MaxInFlight"] = "1" });
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();

        var firstTrace = await service.PublishWithTraceParentAsync(new RequestReport { RequestId = first, Report = ObservedReportService.ReportBody("holds the slot [sim:time=6s]") });
        var secondTrace = await service.PublishWithTraceParentAsync(new RequestReport { RequestId = second, Report = ObservedReportService.ReportBody("waits for the slot") });
        await service.Outcomes.WaitForCompletedAsync(first, TimeSpan.FromSeconds(60));
        await service.Outcomes.WaitForCompletedAsync(second, TimeSpan.FromSeconds(60));
        await service.FlushSpansUntilAsync(async () =>
        {
            var trace = await receiver.GetTraceAsync(secondTrace);
            return trace.Any(IsCompletedPublish) && Orphans(trace).Count == 0;
        }, TimeSpan.FromSeconds(20));
        await service.StopServiceAsync();

        var story = await receiver.GetTraceAsync(secondTrace);
        var tree = Describe(story);
        Assert.True(Orphans(story).Count == 0, $"Every span's parent must be in the trace:\n{tree}");
        Assert.True(Steps(story, Validate).Count == 1, $"its validation:\n{tree}");
        Assert.True(Steps(story, Submit).Count == 1, $"its submission, though the slot came from another report:\n{tree}");
        Assert.True(Steps(story, StatusCheck).Count >= 1, $"its polls:\n{tree}");
        Assert.True(story.Count(IsCompletedPublish) == 1, $"its completion:\n{tree}");
        Assert.NotEqual(firstTrace, secondTrace);

        // The first report's trace holds no step of the second beyond handing over the slot.
        var other = await receiver.GetTraceAsync(firstTrace);
        Assert.DoesNotContain(other, span => span.Name.StartsWith("report ", StringComparison.Ordinal)
            && span.Attribute(ReportSaga.Orchestration.Telemetry.ReportSagaTags.RequestId) == second.ToString());
    }
}
