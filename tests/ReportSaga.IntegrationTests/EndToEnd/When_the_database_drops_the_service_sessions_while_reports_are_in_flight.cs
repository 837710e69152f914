using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #5, case 4: PostgreSQL goes away from under the service while reports are in flight. The shared server is
/// not restarted (other test runs use it); instead the server does to the service's database what a restart does:
/// it terminates every session on it (<c>pg_terminate_backend</c>), once briefly and once while refusing new sessions
/// for a few seconds (<c>ALTER DATABASE … ALLOW_CONNECTIONS false</c>). Both work on any server the fixture gives.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_the_database_drops_the_service_sessions_while_reports_are_in_flight(
    InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(4);

    [Fact]
    public Task Every_report_still_ends_once_and_none_is_submitted_twice() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var service = await scenario.StartServiceAsync("service");
            await scenario.PublishAsync(Enumerable.Range(0, 12).Select(i => (i % 4) switch
            {
                1 => Reports.RecoveredByRetry(i, i % 3 == 0),
                3 => Reports.BadRequest(i, i % 3 == 0),
                _ => Reports.Plain(i, i % 3 == 0),
            }));

            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var terminated = await scenario.Database.TerminateSessionsAsync();
            scenario.Note($"terminated {terminated} database session(s) of the service");
            Assert.True(terminated > 0, "The service held no session on its database.");

            await Task.Delay(TimeSpan.FromSeconds(2));
            try
            {
                await scenario.Database.AllowConnectionsAsync(false);
                terminated = await scenario.Database.TerminateSessionsAsync();
                scenario.Note($"database refuses sessions; terminated {terminated} more");
                await Task.Delay(Outage);
            }
            finally
            {
                await scenario.Database.AllowConnectionsAsync(true);
                scenario.Note("database accepts sessions again");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            terminated = await scenario.Database.TerminateSessionsAsync();
            scenario.Note($"terminated {terminated} database session(s) of the service");

            // A submit call whose outcome could not be recorded because the database was gone is reported
            // submission_uncertain rather than repeated; the provider still created it at most once.
            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90), submitCallsMayBeCut: true);
            await service.WaitUntilReadyAsync(EndToEndScenario.ReadyLimit);
        }, processingTime: TimeSpan.FromSeconds(3));
}
