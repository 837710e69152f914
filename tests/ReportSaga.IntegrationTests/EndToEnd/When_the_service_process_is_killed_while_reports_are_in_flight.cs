using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #5, cases 2 and (statistically) 7: the service process dies with SIGKILL at random moments while reports
/// are being validated, submitted, polled and retried, and is started again, several times. Nothing of the dead
/// process survives but what it committed to PostgreSQL and what RabbitMQ holds; unacknowledged deliveries are
/// redelivered to the next process.
/// </summary>
/// <remarks>
/// Each kill lands wherever the process happens to be, so over the cycles some land between a saga's commit and the
/// delivery of the messages it produced, and some in the middle of a submit call. What this proves: every report
/// still ends exactly once, and the provider never creates a report twice (a report whose submit call was cut may end
/// <c>submission_uncertain</c>, created at most once). It cannot prove that the commit-to-delivery window was hit in a
/// given run; <see cref="When_the_service_crashes_between_a_saga_commit_and_the_delivery_of_its_messages"/> hits it on
/// purpose.
/// </remarks>
[Collection(EndToEndCollection.Name)]
public sealed class When_the_service_process_is_killed_while_reports_are_in_flight(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    private const int KillCycles = 3;

    [Fact]
    public Task Every_report_still_ends_once_and_none_is_submitted_twice() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var seed = Environment.TickCount;
            var random = new Random(seed);
            scenario.Note($"random seed {seed}");

            var service = await scenario.StartServiceAsync("service#1");
            await scenario.PublishAsync(Batch(0, 12));

            for (var cycle = 1; cycle <= KillCycles; cycle++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 3_000)));
                scenario.Kill(service);
                if (cycle == 2)
                {
                    // Requests that arrive while no instance runs wait in the broker.
                    await scenario.PublishAsync(Batch(12, 6));
                }

                service = await scenario.StartServiceAsync($"service#{cycle + 1}");
            }

            var outcomes = await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90), submitCallsMayBeCut: true);
            output.WriteLine("Endings after the kills: " + string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}")));
        }, processingTime: TimeSpan.FromSeconds(3));

    /// <summary>Mostly plain reports, with retries, provider refusals and rate limits among them; a third as plain JSON.</summary>
    private static IEnumerable<PlannedReport> Batch(int first, int count) =>
        Enumerable.Range(first, count).Select(i => (i % 8) switch
        {
            1 or 5 => Reports.RecoveredByRetry(i, i % 3 == 0),
            3 => Reports.BadRequest(i, i % 3 == 0),
            7 => Reports.RateLimitedTwice(i, i % 3 == 0),
            _ => Reports.Plain(i, i % 3 == 0),
        });
}
