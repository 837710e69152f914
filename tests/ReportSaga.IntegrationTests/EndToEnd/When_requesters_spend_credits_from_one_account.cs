using System.Net.Http.Headers;
using System.Text.Json;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #16: daily credit budgets per requester and the account guard, through the service process on RabbitMQ and
/// PostgreSQL with the simulator as the provider. Estimates and charges are fixed by simulator markers, so what is
/// spent is known to the credit.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_requesters_spend_credits_from_one_account(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    private const string OperatorKey = "end-to-end-operator-key";

    [Fact]
    public Task A_report_over_its_requesters_daily_budget_fails_naming_the_budget_and_operators_see_the_spend() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var settings = scenario.Settings();
            settings["Credits__DailyBudgets__team-a"] = "1000";
            settings["Credits__DefaultDailyBudget"] = "500";
            settings["Credits__AccountGuard"] = "false";
            var service = await scenario.StartServiceAsync("service", settings);

            // Each is estimated at 400 and charged 400: team-a's 1,000 pays for two of three, the default 500 for one of two.
            var teamA = Enumerable.Range(0, 3).Select(i => Costing(i, 400, "team-a")).ToList();
            var teamB = Enumerable.Range(3, 2).Select(i => Costing(i, 400, "team-b")).ToList();
            await scenario.PublishAsync([.. teamA, .. teamB]);
            var missing = await scenario.Events.WaitForEndsAsync([.. teamA.Concat(teamB).Select(r => r.RequestId)], TimeSpan.FromSeconds(90));
            Assert.Empty(missing);

            AssertEnds(scenario, teamA, completed: 2, refusedNaming: "Credits__DailyBudgets__team-a");
            AssertEnds(scenario, teamB, completed: 1, refusedNaming: "Credits__DefaultDailyBudget");

            using var http = new HttpClient { BaseAddress = service.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperatorKey);
            using var answer = JsonDocument.Parse(await http.GetStringAsync("requesters"));
            var requesters = answer.RootElement.GetProperty("requesters").EnumerateArray()
                .ToDictionary(r => r.GetProperty("requestedBy").GetString()!, r => r);
            Assert.Equal((800L, 1000L, 0L, 0L), Usage(requesters["team-a"]));
            Assert.Equal((400L, 500L, 0L, 0L), Usage(requesters["team-b"]));
        });

    [Fact]
    public Task A_report_the_accounts_credits_do_not_cover_waits_with_a_notice_until_credits_return() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var settings = scenario.Settings();
            settings["Credits__AccountCacheFor"] = "00:00:01";
            await scenario.StartServiceAsync("service", settings);
            // The simulator's account starts with 1,000,000 credits: two reports of 400,000 fit, the third does not.
            var reports = Enumerable.Range(0, 3).Select(i => Costing(i, 400_000, "team-g")).ToList();
            await scenario.PublishAsync(reports);

            var held = await WaitForAsync(() => scenario.Events.StatusChanges().Where(c => c.Status == "awaiting_credits").ToList(),
                changes => changes.Count > 0, "an awaiting_credits notice");
            var waiting = Assert.Single(held).RequestId;
            var others = reports.Where(r => r.RequestId != waiting).Select(r => r.RequestId).ToList();
            Assert.Empty(await scenario.Events.WaitForEndsAsync(others, TimeSpan.FromSeconds(60)));
            Assert.All(others, id => Assert.IsType<ReportCompleted>(Assert.Single(scenario.Events.EndsOf(id))));
            scenario.Note("two completed; the provider charged 800,000, 200,000 remain");

            // Credits have not returned (200,000 left): after several cache periods and grant passes it still waits.
            await Task.Delay(TimeSpan.FromSeconds(6));
            Assert.Empty(scenario.Events.EndsOf(waiting));
            Assert.Empty(scenario.Events.SubmittedOf(waiting));

            scenario.Simulator.State.AddCredits(EndToEndScenario.ApiKey, 1_000_000);
            scenario.Note("account topped up");
            Assert.Empty(await scenario.Events.WaitForEndsAsync([waiting], TimeSpan.FromSeconds(60)));
            Assert.IsType<ReportCompleted>(Assert.Single(scenario.Events.EndsOf(waiting)));
            // Told once, submitted once; the provider never had to refuse a submission for lack of credits.
            Assert.Single(scenario.Events.StatusChanges(), c => c.RequestId == waiting && c.Status == "awaiting_credits");
            Assert.Equal(3, scenario.Simulator.State.SubmittedReports().Count(s => reports.Any(r => r.Name == s.ReportName)));
        });

    private static PlannedReport Costing(int index, long credits, string requester) =>
        Reports.Plain(index, markers: $"[sim:credits={credits}] [sim:quota={credits}]") with { RequestedBy = requester };

    private static void AssertEnds(EndToEndScenario scenario, IReadOnlyList<PlannedReport> reports, int completed, string refusedNaming)
    {
        var ends = reports.Select(r => (Report: r, End: Assert.Single(scenario.Events.EndsOf(r.RequestId)))).ToList();
        Assert.Equal(completed, ends.Count(e => e.End is ReportCompleted));
        var refused = ends.Where(e => e.End is ReportFailed).ToList();
        Assert.Equal(reports.Count - completed, refused.Count);
        foreach (var (report, end) in refused)
        {
            var failed = (ReportFailed)end;
            Assert.Equal(ReportFailureReasons.CreditBudgetExceeded, failed.Reason);
            Assert.Contains(refusedNaming, Assert.Single(failed.Errors));
            // Refused before submission: the provider never saw it.
            Assert.DoesNotContain(scenario.Simulator.State.SubmittedReports(), s => s.ReportName == report.Name);
        }
    }

    private static (long Spent, long? Budget, long InFlight, long Waiting) Usage(JsonElement requester) =>
        (requester.GetProperty("spentToday").GetInt64(),
            requester.GetProperty("dailyBudget").ValueKind == JsonValueKind.Null ? null : requester.GetProperty("dailyBudget").GetInt64(),
            requester.GetProperty("inFlight").GetInt64(),
            requester.GetProperty("waiting").GetInt64());

    private static async Task<T> WaitForAsync<T>(Func<T> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var value = read();
            if (done(value))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Waited 60 s for {what}.");
            await Task.Delay(200);
        }
    }
}
