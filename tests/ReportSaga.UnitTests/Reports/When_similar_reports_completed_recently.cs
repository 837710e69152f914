using ReportSaga.Contracts;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

public sealed class When_similar_reports_completed_recently : ReportSagaTest
{
    protected override void Settings(IDictionary<string, string?> settings)
    {
        settings["Polling:MaxInterval"] = "00:10:00";
        settings["Polling:RecentReports"] = "3";
        settings["Polling:MinRecentReports"] = "3";
    }

    [Fact]
    public async Task The_first_check_of_the_next_one_waits_for_most_of_the_quickest_and_it_still_completes()
    {
        var earlier = new[]
        {
            await Harness.RequestAsync("similar [sim:time=10m]"),
            await Harness.RequestAsync("similar [sim:time=10m]"),
            await Harness.RequestAsync("similar [sim:time=10m]"),
        };
        foreach (var id in earlier)
            Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(id, step: TimeSpan.FromSeconds(5)));
        var checksOfOne = Harness.Calls(SimulatorEndpoint.Status) / 3;

        var requestId = await Harness.RequestAsync("similar [sim:time=10m]");
        await Harness.AdvanceUntilAsync(() => Harness.Published<ReportSubmitted>(requestId, m => m.RequestId).Count == 1,
            TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "submitted");
        var before = Harness.Calls(SimulatorEndpoint.Status);

        // The earlier ones took at least 10 minutes: no check in the first 7 (80 % of 10, less the 10 % jitter, is 7.2).
        for (var i = 0; i < 42; i++)
            await Harness.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(before, Harness.Calls(SimulatorEndpoint.Status));

        var completed = Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId, step: TimeSpan.FromSeconds(5)));
        Assert.Equal(requestId, completed.RequestId);
        var checks = Harness.Calls(SimulatorEndpoint.Status) - before;
        Assert.True(checks < checksOfOne / 3, $"{checks} checks, against {checksOfOne} for each of the first three");
    }
}
