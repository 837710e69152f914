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
    public async Task Polls_start_at_the_initial_interval_and_back_off_to_the_max_interval()
    {
        var requestId = await Harness.RequestAsync("long [sim:time=2h]");
        await Harness.AdvanceUntilAsync(() => Harness.Published<ReportSubmitted>(requestId, m => m.RequestId).Count == 1,
            TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "submitted");
        var before = Harness.Calls(SimulatorEndpoint.Status);

        // No check before the first interval (less its 20 % jitter) has passed…
        await Harness.AdvanceAsync(TimeSpan.FromSeconds(7));
        Assert.Equal(before, Harness.Calls(SimulatorEndpoint.Status));
        // …and one once it has (plus its jitter). The wait is for a loaded machine, where the delay provider can hand
        // over the due poll after the bus already looked settled; it does not move the fake clock.
        await Harness.AdvanceAsync(TimeSpan.FromSeconds(6));
        Assert.Equal(before + 1, await Eventually.Until(() => Task.FromResult(Harness.Calls(SimulatorEndpoint.Status)), n => n > before, TimeSpan.FromSeconds(10)));
        await Harness.SettleAsync();
        Assert.Equal(before + 1, Harness.Calls(SimulatorEndpoint.Status));

        // Over 20 minutes the waits grow to the 60 s cap: far fewer checks than at a fixed 10 s, never fewer than at 72 s.
        for (var i = 0; i < 120; i++)
            await Harness.AdvanceAsync(TimeSpan.FromSeconds(10));
        var polls = Harness.Calls(SimulatorEndpoint.Status) - before;
        Assert.InRange(polls, 1200 / 72, 1200 / 30);
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
