using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Orchestration.Submissions;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #12: another client of the broker (here with full rights on the vhost, the worst case) publishes the public
/// events and sends internal commands, answers and grants straight to the service's queues. The service must take
/// none of them: no report skips its budget check, none is submitted out of turn, nothing extra is spent.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_messages_are_forged_on_the_broker(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public Task Forged_answers_commands_and_grants_change_nothing_and_spend_nothing() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var settings = scenario.Settings();
            settings["Submission__MaxInFlight"] = "1";
            await scenario.StartServiceAsync("service", settings);
            var bus = scenario.Observer.Bus;

            // Holds the one slot for a while; the next waits behind it.
            var holder = Reports.Plain(0, markers: "[sim:time=12s]");
            var waiter = Reports.Plain(1);
            // Estimated at 500 credits against a budget of 100, and kept in validation a moment by two 429s.
            var expensive = Reports.Plain(2, markers: "[sim:credits=500] [sim:validate=429*2]") with
            {
                MaxCredits = 100, ExpectedFailure = ReportFailureReasons.CreditBudgetExceeded, ExpectedSubmissions = 0,
            };
            await scenario.PublishAsync([holder]);
            await Eventually(() => scenario.Simulator.State.SubmittedReports().Count == 1, "the holder was submitted");
            await scenario.PublishAsync([waiter, expensive]);
            await Task.Delay(TimeSpan.FromSeconds(1));

            // The public event, as if the provider had estimated 1 credit.
            await bus.Publish(new ReportValidated { RequestId = expensive.RequestId, EstimatedCredits = 1 });
            // Internal messages straight onto the service's queues, with made-up step tokens.
            var saga = await bus.GetSendEndpoint(ReportSagaQueues.SagaAddress);
            await saga.Send(new ReportEstimated { RequestId = expensive.RequestId, StepToken = NewId.NextGuid(), EstimatedCredits = 1 });
            await saga.Send(new SubmissionSlotGranted { RequestId = waiter.RequestId });
            var submit = await bus.GetSendEndpoint(ReportSagaQueues.SubmitAddress);
            await submit.Send(new SubmitReport
            {
                RequestId = waiter.RequestId, StepToken = NewId.NextGuid(), Report = System.Text.Json.JsonSerializer.SerializeToElement(waiter.Body),
            });
            await submit.Send(new SubmitReport
            {
                RequestId = expensive.RequestId, StepToken = NewId.NextGuid(), Report = System.Text.Json.JsonSerializer.SerializeToElement(expensive.Body),
            });
            scenario.Note("forged ReportValidated, ReportEstimated, SubmissionSlotGranted and two SubmitReport");

            // While the holder runs, nothing else reached the provider's request-report.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Single(scenario.Simulator.State.SubmittedReports());

            // Every report ends as it would have without the forgeries: the expensive one over budget, never submitted;
            // the waiter submitted once, after the holder.
            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90));
            Assert.Equal(2, scenario.Simulator.State.SubmittedReports().Count);
        });

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("Not reached: " + what);
            await Task.Delay(100);
        }
    }
}
