using ReportSaga.Contracts;
using ReportSaga.Simulator;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.UnitTests.Reports;

public sealed class When_a_report_takes_long : ReportSagaTest
{
    protected override void Settings(IDictionary<string, string?> settings)
    {
        settings["Polling:InitialInterval"] = "00:00:10";
        settings["Polling:MaxInterval"] = "00:01:00";
        settings["Reports:Deadline"] = "00:30:00";
    }

    [Fact]
    public async Task Polls_start_at_the_initial_interval_and_thin_out_with_the_reports_age()
    {
        var requestId = await Harness.RequestAsync("long [sim:time=2h]");
        await Harness.AdvanceUntilAsync(() => Harness.Published<ReportSubmitted>(requestId, m => m.RequestId).Count == 1,
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), "submitted");
        // Timed from the submission on the provider's (fake) clock: on a loaded machine the harness can see the
        // submission a step or two after it happened, and the first check counts from the submission itself. Only this
        // report's status calls are counted (a full run once saw one status call too many at this simulator within the
        // first 8 s; whether it was this report's is what the message below tells).
        var submitted = Harness.Simulator.State.SubmittedReports().Single();
        var submittedAt = submitted.SubmittedAt;
        int StatusCalls() => Harness.Simulator.State.StatusCallCount(submitted.ReportId);
        var before = StatusCalls();

        // No check before the first interval (less its 10 % jitter) has passed…
        await AdvanceToAsync(submittedAt + TimeSpan.FromSeconds(8));
        Assert.True(before == StatusCalls(),
            $"{StatusCalls() - before} status call(s) for the report {Harness.Time.GetUtcNow() - submittedAt} after its submission; " +
            $"{Harness.Calls(SimulatorEndpoint.Status)} status call(s) at the simulator in all.");
        // …and one once it has (plus its jitter). The wait is for a loaded machine, where the delay provider can hand
        // over the due poll after the bus already looked settled; it does not move the fake clock.
        await AdvanceToAsync(submittedAt + TimeSpan.FromSeconds(12));
        Assert.Equal(before + 1, await Eventually.Until(() => Task.FromResult(StatusCalls()), n => n > before, TimeSpan.FromSeconds(10)));
        await Harness.SettleAsync();
        Assert.Equal(before + 1, StatusCalls());

        // Up to Polling__ShortReportAge (9 min) a young report is checked about every Polling__ShortReportInterval (14 s)…
        for (var i = 0; i < 264; i++)
            await Harness.AdvanceAsync(TimeSpan.FromSeconds(2));
        var young = StatusCalls() - before;
        Assert.InRange(young, 528 / 18, 528 / 12);

        // …then every 9 % of its age (54 s at 10 minutes), capped at Polling__MaxInterval (60 s here): far fewer.
        await Harness.AdvanceAsync(TimeSpan.FromSeconds(60));
        var atTenMinutes = StatusCalls();
        for (var i = 0; i < 240; i++)
            await Harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.InRange(StatusCalls() - atTenMinutes, 1200 / 71, 1200 / 48 + 1);
    }

    private async Task AdvanceToAsync(DateTimeOffset when)
    {
        var by = when - Harness.Time.GetUtcNow();
        if (by > TimeSpan.Zero)
            await Harness.AdvanceAsync(by);
    }

    [Fact]
    public async Task Past_the_deadline_it_fails_with_deadline_exceeded_and_stops_polling()
    {
        var requestId = await Harness.RequestAsync("too long [sim:time=5h]");

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId, step: TimeSpan.FromSeconds(30)));

        Assert.Equal(ReportFailureReasons.DeadlineExceeded, failed.Reason);
        Assert.InRange(Harness.Time.GetUtcNow() - ReportSagaHarness.Start, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(31));
        var polls = Harness.Calls(SimulatorEndpoint.Status);
        for (var i = 0; i < 10; i++)
            await Harness.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(polls, Harness.Calls(SimulatorEndpoint.Status));
        Assert.Single(Harness.TerminalEvents(requestId));
    }
}
