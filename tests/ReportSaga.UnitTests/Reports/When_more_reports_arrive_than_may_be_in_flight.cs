using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

public sealed class When_more_reports_arrive_than_may_be_in_flight : ReportSagaTest
{
    protected override void Settings(IDictionary<string, string?> settings) => settings["Submission:MaxInFlight"] = "2";

    [Fact]
    public async Task At_most_max_in_flight_are_at_the_provider_and_the_rest_go_in_arrival_order_as_slots_free()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await Harness.RequestAsync($"queued {i}"));
            await Harness.SettleAsync(); // arrival order is publication order
        }

        var maxSeen = 0;
        await Harness.AdvanceUntilAsync(() =>
        {
            maxSeen = Math.Max(maxSeen, InFlight(ids));
            return ids.All(id => Harness.TerminalEvents(id).Count == 1);
        }, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1), "all six ended");

        Assert.Equal(2, maxSeen);
        Assert.All(ids, id => Assert.IsType<ReportCompleted>(Assert.Single(Harness.TerminalEvents(id))));
        // Slots are granted in arrival order, and the gate's worker submits each as it grants it (submissions granted
        // together may then race each other to the provider).
        var grantOrder = Harness.Bus.Sent.Select<SubmitReport>().Select(m => m.Context.Message.RequestId).ToList();
        Assert.Equal(ids, grantOrder);
        Assert.Equal(6, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task A_report_cancelled_while_queued_gives_up_its_place_and_is_never_submitted()
    {
        // One at a time, so that arrival order at the gate is the order written here.
        var first = await Harness.RequestAsync("slot holder 1 [sim:time=10m]");
        await Harness.SettleAsync();
        var second = await Harness.RequestAsync("slot holder 2 [sim:time=10m]");
        await Harness.SettleAsync();
        var queued = await Harness.RequestAsync("queued then cancelled");
        await Harness.SettleAsync();
        var last = await Harness.RequestAsync("goes when a slot frees");
        await Harness.AdvanceUntilAsync(() => Harness.Calls(SimulatorEndpoint.RequestReport) == 2, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "two submitted");

        await Harness.Bus.Bus.Publish(new CancelReport { RequestId = queued });
        await Harness.AdvanceUntilAsync(() => new[] { first, second, last }.All(id => Harness.TerminalEvents(id).Count == 1),
            TimeSpan.FromSeconds(10), TimeSpan.FromHours(1), "others ended");

        Assert.Equal(ReportFailureReasons.Cancelled, Harness.Failed(queued).Reason);
        Assert.Null(Harness.Failed(queued).ReportId);
        Assert.Equal(3, Harness.Calls(SimulatorEndpoint.RequestReport));
        Assert.DoesNotContain(queued, Harness.Bus.Published.Select<ReportSubmitted>().Select(m => m.Context.Message.RequestId));
    }

    /// <summary>Reports submitted and not yet ended, as a subscriber would count them.</summary>
    private int InFlight(IEnumerable<Guid> ids) =>
        ids.Count(id => Harness.Published<ReportSubmitted>(id, m => m.RequestId).Count > 0 && Harness.TerminalEvents(id).Count == 0);
}
