using ReportSaga.Contracts;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

public sealed class When_a_thousand_reports_run : ReportSagaTest
{
    private static readonly string[] Paths =
    [
        "plain", "plain", "plain", "[sim:internal_error]", "[sim:bad_request]", "[sim:retry]",
        "[sim:submit=429*1]", "[sim:internal_error=9]", "[sim:credits=900]", "[sim:status=500*1]",
    ];

    protected override void Settings(IDictionary<string, string?> settings)
    {
        settings["Submission:MaxInFlight"] = "90";
        settings["Polling:InitialInterval"] = "00:00:05";
        settings["Polling:MaxInterval"] = "00:00:30";
    }

    protected override void SimulatorOptions(SimulatorOptions options)
    {
        options.ProcessingTime = TimeSpan.FromSeconds(20);
        options.InitialCredits = 100_000_000;
    }

    [Fact]
    public async Task Each_ends_in_exactly_one_terminal_event_and_each_submitted_report_was_submitted_once()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 1000; i++)
            ids.Add(await Harness.RequestAsync($"mixed {i} {Paths[i % Paths.Length]}", maxCredits: 500));

        await Harness.AdvanceUntilAsync(
            () => Harness.Bus.Published.Select<ReportCompleted>().Count() + Harness.Bus.Published.Select<ReportFailed>().Count() >= ids.Count,
            TimeSpan.FromSeconds(10), TimeSpan.FromHours(6), "all reports ended");
        await Harness.AdvanceAsync(TimeSpan.FromMinutes(5));

        var terminal = Harness.Bus.Published.Select<ReportCompleted>().Select(m => m.Context.Message.RequestId)
            .Concat(Harness.Bus.Published.Select<ReportFailed>().Select(m => m.Context.Message.RequestId))
            .GroupBy(id => id)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(ids.Count, terminal.Count);
        Assert.All(ids, id => Assert.Equal(1, terminal[id]));

        var submissions = Harness.Bus.Published.Select<ReportSubmitted>().Select(m => m.Context.Message.RequestId).ToList();
        Assert.Equal(submissions.Count, submissions.Distinct().Count());
        Assert.Equal(submissions.Count, Harness.Simulator.State.SubmittedReports().Count);

        var failures = Harness.Bus.Published.Select<ReportFailed>().Select(m => m.Context.Message).ToList();
        Assert.Equal(100, failures.Count(f => f.Reason == ReportFailureReasons.BadRequest));
        Assert.Equal(100, failures.Count(f => f.Reason == ReportFailureReasons.RetriesExhausted));
        Assert.Equal(100, failures.Count(f => f.Reason == ReportFailureReasons.CreditBudgetExceeded));
        Assert.Equal(700, Harness.Bus.Published.Select<ReportCompleted>().Count());
        Assert.Equal(900, Harness.Calls(SimulatorEndpoint.RequestReport) - 100); // 100 were rate limited once
        Assert.False(Harness.AnyFaults());
    }
}
