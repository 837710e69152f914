using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #5, case 7, hit on purpose: the process dies after a saga step committed its new state and before any
/// message that step produced reached the broker.
/// </summary>
/// <remarks>
/// How the window is held open: the service talks to RabbitMQ through a proxy in the test. With a report submitted
/// and waiting at the provider, the proxy starts discarding everything the process sends (publishes, acks) while
/// still passing the broker's deliveries to it. The test then publishes a <see cref="CancelReport"/>: the saga
/// consumes it and commits state Failed (the test reads that row), but its <see cref="ReportFailed"/> and the
/// release of its submission slot go nowhere. Then SIGKILL, and the broker requeues the unacknowledged CancelReport
/// for the next process.
/// What this proves: a committed step's messages are not lost with the process. The cancelled report is still
/// announced exactly once, and its slot is freed: with <c>Submission__MaxInFlight=1</c>, a report requested after
/// the restart can only be submitted and complete if the slot came back. An outbox that keeps a step's messages only
/// in memory loses both on this path (the redelivered CancelReport finds the saga already Failed and is ignored).
/// </remarks>
[Collection(EndToEndCollection.Name)]
public sealed class When_the_service_crashes_between_a_saga_commit_and_the_delivery_of_its_messages(
    InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan StepLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public Task The_committed_steps_messages_still_go_out_once_after_a_restart() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            await using var proxy = TcpFreezeProxy.To(infrastructure.RabbitMqUri);
            scenario.AddDiagnostics(proxy.Describe);
            var settings = scenario.Settings(proxy.Address(infrastructure.RabbitMqUri));
            settings["Submission__MaxInFlight"] = "1";
            var service = await scenario.StartServiceAsync("service#1", settings);

            // Processing takes a minute at the provider, so it is surely still waiting there when cancelled.
            var cancelled = Reports.Plain(0, markers: "[sim:time=60s]") with { ExpectedFailure = ReportFailureReasons.Cancelled };
            await scenario.PublishAsync([cancelled]);
            Assert.True(await scenario.Database.WaitForStateAsync(cancelled.RequestId, "Waiting", StepLimit),
                "The report was not submitted and waiting at the provider.");

            Assert.True(proxy.FreezeUpstream() > 0, "The service has no broker connection through the proxy.");
            scenario.Note("froze what the service sends to the broker");
            await scenario.Observer.Bus.Publish(new CancelReport { RequestId = cancelled.RequestId });
            Assert.True(await scenario.Database.WaitForStateAsync(cancelled.RequestId, "Failed", StepLimit),
                "The saga did not commit the cancellation.");
            scenario.Note("the saga committed state Failed");
            scenario.Kill(service);

            // The window was hit: the step committed, and its event had not reached any subscriber when the process died.
            Assert.Empty(scenario.Events.EndsOf(cancelled.RequestId));

            await scenario.StartServiceAsync("service#2", settings);
            await scenario.PublishAsync([Reports.Plain(1)]);
            await scenario.AssertEveryReportEndedOnceAsync(StepLimit);
        });
}
