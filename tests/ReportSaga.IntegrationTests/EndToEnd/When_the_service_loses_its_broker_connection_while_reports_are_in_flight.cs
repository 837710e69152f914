using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Service.Messaging.EndpointWatch;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #5, case 3: RabbitMQ goes away from under the service while reports are in flight, again and again. The
/// shared broker itself is never stopped (other test runs use it); instead the service's own connection is taken away
/// the two ways a broker restart does it, in turns: the broker closes it (management API,
/// <c>DELETE /api/connections/{name}</c>), and the broker is unreachable for a few seconds (the service connects
/// through a proxy in the test that drops its connections and refuses new ones). Both work on any server the fixture
/// gives. Each cut lands at a random moment while a new batch is being worked on; the seed is in the timeline.
/// The service runs under a supervisor as it would in deployment: a process that ends itself to be restarted (a
/// receive endpoint wedged by a cut, see StuckEndpointWatchdog) is started again, and must lose nothing by that.
/// </summary>
/// <remarks>
/// What this found: a consume that waited on the broker (the outbox sending its messages inline) could keep a
/// receive endpoint from ever reconnecting, and a publisher confirmation lost with the connection stopped the
/// scheduler for good; in both cases every report in flight stopped while the service reported healthy. Later, a
/// receive endpoint whose new channel was closed while it declared its topology waited forever on RabbitMQ.Client's
/// disposed RPC semaphore (rabbitmq-dotnet-client #1976); that one only a new process cures. With
/// <c>REPORTSAGA_E2E_LOG_DIR</c> set, the service's full log (MassTransit at Debug) is kept there.
/// </remarks>
[Collection(EndToEndCollection.Name)]
public sealed class When_the_service_loses_its_broker_connection_while_reports_are_in_flight(
    InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private const int Cuts = 6;
    private const int ReportsPerCut = 8;

    /// <summary>Connections the cuts leave alone: the test's own bus, and the watchdog's short probe of the broker.</summary>
    private static readonly string[] Spared = [EventObserver.ConnectionName, RabbitMqBrokerProbe.ConnectionName];

    [Fact]
    public Task Every_report_still_ends_once_and_none_is_submitted_twice() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var seed = Environment.TickCount;
            var random = new Random(seed);
            scenario.Note($"random seed {seed}");

            await using var proxy = TcpFreezeProxy.To(infrastructure.RabbitMqUri);
            scenario.AddDiagnostics(proxy.Describe);
            using var broker = await BrokerConnections.ForAsync(infrastructure.VirtualHost);
            await scenario.StartSupervisedServiceAsync("service", scenario.Settings(proxy.Address(infrastructure.RabbitMqUri)));

            for (var cut = 0; cut < Cuts; cut++)
            {
                await scenario.PublishAsync(Batch(cut * ReportsPerCut, ReportsPerCut));
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, 2500)));
                if (cut % 2 == 0)
                {
                    // Long enough for MassTransit's reconnect delay (up to 30 s) and, should a cut have wedged the service,
                    // for its watchdog and supervisor to start a new one.
                    Assert.True(await broker.WaitForOthersThanAsync(TimeSpan.FromSeconds(120), Spared),
                        "The management API never listed the service's connection.");
                    var closed = await broker.CloseAllButAsync("end-to-end test: broker connection lost", Spared);
                    scenario.Note($"cut {cut}: the broker closed {closed} service connection(s)");
                }
                else
                {
                    var outage = TimeSpan.FromSeconds(random.Next(1, 6));
                    var dropped = proxy.BeginOutage();
                    scenario.Note($"cut {cut}: broker unreachable, dropped {dropped} connection(s), refusing new ones for {outage.TotalSeconds}s");
                    await Task.Delay(outage);
                    proxy.EndOutage();
                }

                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(500, 4000)));
            }

            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(120));
            scenario.AssertNoServiceEndedByItselfButToBeRestarted();
            foreach (var service in await scenario.WaitUntilRunningServicesReadyAsync())
            {
                // The watchdog saw every receive endpoint come back (it is fed by the bus's own endpoint events).
                var allConsuming = new System.Text.RegularExpressions.Regex(@"^([1-9][0-9]*) of \1 receive endpoints consuming, none wedged$");
                string? liveness = null;
                for (var attempt = 0; attempt < 60 && (liveness is null || !allConsuming.IsMatch(liveness)); attempt++)
                {
                    if (attempt > 0)
                        await Task.Delay(500);
                    liveness = await service.LivenessCheckAsync("receive-endpoints");
                }

                Assert.Matches(allConsuming, liveness);
            }
        }, processingTime: TimeSpan.FromSeconds(3));

    private static IEnumerable<PlannedReport> Batch(int first, int count) =>
        Enumerable.Range(first, count).Select(i => (i % 6) switch
        {
            1 => Reports.RecoveredByRetry(i, i % 3 == 0),
            3 => Reports.BadRequest(i, i % 3 == 0),
            5 => Reports.RateLimitedTwice(i, i % 3 == 0),
            _ => Reports.Plain(i, i % 3 == 0),
        });
}
