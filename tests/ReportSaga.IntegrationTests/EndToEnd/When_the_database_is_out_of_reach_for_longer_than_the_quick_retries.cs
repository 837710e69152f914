using Npgsql;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #5, case 4 continued: PostgreSQL is out of reach for 20 seconds, about what a restart or a failover takes
/// and twice what the quick in-place retries ride out. The shared server stays up (other test runs use it); the
/// service reaches it through a proxy in the test that drops the service's sessions and turns new ones away
/// meanwhile, as a server that is down or a network that is cut would. Reports are in flight when it starts and
/// more arrive during it.
/// </summary>
/// <remarks>
/// What a user relies on: every report still ends exactly once as planned, and no message was set aside in an
/// <c>_error</c> queue for someone to replay by hand. Before the longer retry for an unreachable database
/// (MessageRetry), messages landed there after about 10 seconds and their reports never ended.
/// </remarks>
[Collection(EndToEndCollection.Name)]
public sealed class When_the_database_is_out_of_reach_for_longer_than_the_quick_retries(
    InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    [Fact]
    public Task Every_report_still_ends_once_and_no_message_is_left_in_an_error_queue() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var direct = new NpgsqlConnectionStringBuilder(infrastructure.PostgresConnectionString);
            await using var proxy = TcpFreezeProxy.To(direct.Host!, direct.Port);
            scenario.AddDiagnostics(proxy.Describe);
            var settings = scenario.Settings();
            settings["ConnectionStrings__Postgres"] =
                new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
            await scenario.StartServiceAsync("service", settings);

            await scenario.PublishAsync(Batch(0, 8));
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var dropped = proxy.BeginOutage();
            scenario.Note($"database out of reach: dropped {dropped} session(s), turning new ones away for {Outage.TotalSeconds}s");
            await scenario.PublishAsync(Batch(8, 8));
            await Task.Delay(Outage);
            proxy.EndOutage();
            scenario.Note("database reachable again");

            // A submit call whose outcome could not be recorded is reported submission_uncertain rather than repeated.
            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(150), submitCallsMayBeCut: true);

            using var broker = await BrokerConnections.ForAsync(infrastructure.VirtualHost);
            await using var queues = await BrokerQueues.ConnectAsync(infrastructure.RabbitMqUri);
            var parked = new List<string>();
            foreach (var queue in (await broker.QueueNamesAsync()).Where(q => q.EndsWith("_error", StringComparison.Ordinal)))
            {
                if ((await queues.CountsAsync(queue))?.Messages is > 0 and var messages)
                    parked.Add($"{queue}: {messages}");
            }

            Assert.True(parked.Count == 0, "Messages were set aside for a manual replay: " + string.Join(", ", parked));
        }, processingTime: TimeSpan.FromSeconds(3));

    private static IEnumerable<PlannedReport> Batch(int first, int count) =>
        Enumerable.Range(first, count).Select(i => (i % 4) switch
        {
            1 => Reports.RecoveredByRetry(i, i % 3 == 0),
            3 => Reports.BadRequest(i, i % 3 == 0),
            _ => Reports.Plain(i, i % 3 == 0),
        });
}
