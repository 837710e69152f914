using System.Diagnostics.Metrics;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Orchestration.Telemetry;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// Issue #16 on the saga's harness (in-memory gate, simulator as provider): a report over its requester's daily budget
/// fails <c>credit_budget_exceeded</c> naming the budget, never submitted; a report the account's credits do not cover
/// waits with an <c>awaiting_credits</c> notice and goes when credits return. (The harness publishes as "tests".)
/// </summary>
public sealed class When_a_requester_runs_short_of_credits : ReportSagaTest
{
    protected override void Settings(IDictionary<string, string?> settings)
    {
        settings["Credits:DailyBudgets:tests"] = "1700";
        settings["Credits:AccountCacheFor"] = "00:00:05";
    }

    protected override void SimulatorOptions(SimulatorOptions options) => options.InitialCredits = 1500;

    [Fact]
    public async Task The_report_that_passes_the_daily_budget_fails_naming_it_and_is_never_submitted()
    {
        var first = await Harness.RequestAsync("budget one [sim:credits=900] [sim:quota=900]");
        var second = await Harness.RequestAsync("budget two [sim:credits=900] [sim:quota=900]");

        await Harness.AdvanceUntilAsync(() => Harness.TerminalEvents(first).Count == 1 && Harness.TerminalEvents(second).Count == 1,
            TimeSpan.FromSeconds(5), TimeSpan.FromHours(1), "both ended");

        var ends = new[] { first, second }.Select(id => Assert.Single(Harness.TerminalEvents(id))).ToList();
        Assert.Single(ends.OfType<ReportCompleted>());
        var refused = Assert.Single(ends.OfType<ReportFailed>());
        Assert.Equal(ReportFailureReasons.CreditBudgetExceeded, refused.Reason);
        Assert.Null(refused.ReportId);
        Assert.Equal("The provider estimated 900 credits, above what requester \"tests\"'s daily credit budget has left today " +
                     "(800 of 1700, Credits__DailyBudgets__tests; the budget renews at 00:00 UTC).", Assert.Single(refused.Errors));
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task A_report_the_account_cannot_cover_waits_with_one_notice_and_goes_when_credits_return()
    {
        long held = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ReportSagaTelemetry.MeterName && instrument.Name == ReportSagaMetricNames.SubmissionGateHeld)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref held, value));
        listener.Start();

        // The account has 1,500: the first (800) fits, the second (800) does not while the first is in flight; both fit
        // the requester's budget of 1,700.
        var first = await Harness.RequestAsync("guard one [sim:credits=800] [sim:quota=100]");
        await Harness.SettleAsync();
        var second = await Harness.RequestAsync("guard two [sim:credits=800] [sim:quota=100]");
        await Harness.AdvanceUntilAsync(() => Notices(second).Count == 1, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "the notice");
        Assert.Empty(Harness.Published<ReportSubmitted>(second, m => m.RequestId));

        // The first completes (charged 100): 1,400 remain, enough for 800 once the guard reads them again.
        await Harness.AdvanceUntilAsync(() => Harness.TerminalEvents(second).Count == 1, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1), "the second ended");

        Assert.IsType<ReportCompleted>(Assert.Single(Harness.TerminalEvents(first)));
        Assert.IsType<ReportCompleted>(Assert.Single(Harness.TerminalEvents(second)));
        Assert.Single(Notices(second));
        Assert.Empty(Notices(first));
        // Counted for operators (only this test holds reports, so no other test adds to it).
        Assert.True(Interlocked.Read(ref held) >= 1, "reportsaga.submission_gate.held was not recorded");
    }

    private List<ReportStatusChanged> Notices(Guid requestId) =>
        Harness.Published<ReportStatusChanged>(requestId, m => m.RequestId).Where(m => m.Status == ReportStateMachine.AwaitingCreditsStatus).ToList();
}
