using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Simulator;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #5, case 5: two service processes on the same virtual host and database, started together (both migrate
/// the same database at once), share the work. Each report is still run once, and <c>Submission__MaxInFlight</c> is a
/// cap across both instances, not per instance.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_two_service_instances_share_a_broker_and_a_database(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    private const int MaxInFlight = 3;

    [Fact]
    public Task Every_report_runs_once_and_the_in_flight_cap_holds_across_both() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var settings = scenario.Settings();
            settings["Submission__MaxInFlight"] = MaxInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var first = await scenario.StartServiceAsync("service-a", settings, waitUntilReady: false);
            var second = await scenario.StartServiceAsync("service-b", settings, waitUntilReady: false);
            await Task.WhenAll(first.WaitUntilReadyAsync(EndToEndScenario.ReadyLimit), second.WaitUntilReadyAsync(EndToEndScenario.ReadyLimit));
            scenario.Note("both instances ready");

            await using (var queues = await BrokerQueues.ConnectAsync(infrastructure.RabbitMqUri))
            {
                // Both instances consume the saga's and the submit consumer's queues.
                Assert.Equal(2u, (await queues.CountsAsync("report-state"))?.Consumers);
                Assert.Equal(2u, (await queues.CountsAsync("submit-report"))?.Consumers);
            }

            using var sampler = new PendingAtProvider(scenario.Simulator.State);
            await scenario.PublishAsync(Enumerable.Range(0, 7).Select(i => i % 4 == 2
                ? Reports.RecoveredByRetry(i, i % 3 == 0)
                : Reports.Plain(i, i % 3 == 0)));
            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90));

            var most = sampler.Stop();
            scenario.Note($"most reports unfinished at the provider at once: {most} (cap {MaxInFlight})");
            // Never above the cap; and the cap was reached, so the test did put it under pressure.
            Assert.Equal(MaxInFlight, most);
        }, processingTime: TimeSpan.FromSeconds(2));

    /// <summary>Samples, every few milliseconds, how many reports the provider holds unfinished (pending, processing, retry).</summary>
    private sealed class PendingAtProvider : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;
        private int _most;

        public PendingAtProvider(SimulatorState state)
        {
            _thread = new Thread(() =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var pending = state.SubmittedReports().Count(r => r.Status is "pending" or "processing" or "retry");
                    if (pending > _most)
                        _most = pending;
                    Thread.Sleep(10);
                }
            }) { IsBackground = true, Name = "pending-at-provider sampler" };
            _thread.Start();
        }

        public int Stop()
        {
            _stop.Cancel();
            _thread.Join();
            return _most;
        }

        public void Dispose()
        {
            if (!_stop.IsCancellationRequested)
                Stop();
            _stop.Dispose();
        }
    }
}
