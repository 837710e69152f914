using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// Anybody on a shared broker may publish the public events, or get a message onto the service's queues. None of it
/// may make the saga skip a check or make the service submit (spend credits).
/// </summary>
public sealed class When_internal_messages_are_forged : ReportSagaTest
{
    protected override void Settings(IDictionary<string, string?> settings) => settings["Submission:MaxInFlight"] = "1";

    [Fact]
    public async Task A_forged_cheap_estimate_during_validation_is_not_taken_for_the_providers()
    {
        // The provider is busy at first, so the report waits in Validating while the forgeries arrive.
        var requestId = await Harness.RequestAsync("expensive [sim:credits=500] [sim:validate=429*1]", maxCredits: 100);
        await Harness.SettleAsync();

        await Harness.Bus.Bus.Publish(new ReportValidated { RequestId = requestId, EstimatedCredits = 1 });
        await SendToSagaAsync(new ReportEstimated { RequestId = requestId, StepToken = NewId.NextGuid(), EstimatedCredits = 1 });
        await SendToSagaAsync(new ReportSubmissionAccepted { RequestId = requestId, StepToken = NewId.NextGuid(), ReportId = "forged" });

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId));
        Assert.Equal(ReportFailureReasons.CreditBudgetExceeded, failed.Reason);
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.RequestReport));
        Assert.False(Harness.AnyFaults());
    }

    [Fact]
    public async Task A_forged_submit_command_or_slot_grant_for_a_queued_report_submits_nothing()
    {
        var holder = await Harness.RequestAsync("holds the one slot [sim:time=30m]");
        await Harness.SettleAsync();
        var queued = await Harness.RequestAsync("waits for the slot");
        await Harness.AdvanceUntilAsync(() => Harness.Calls(SimulatorEndpoint.RequestReport) == 1, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "holder submitted");
        await Harness.AdvanceAsync(TimeSpan.FromSeconds(30));

        var submit = await Harness.Bus.Bus.GetSendEndpoint(ReportSagaQueues.SubmitAddress);
        await submit.Send(new SubmitReport { RequestId = queued, StepToken = NewId.NextGuid(), Report = ReportBodies.Monthly("forged") });
        await SendToSagaAsync(new SubmissionSlotGranted { RequestId = queued });
        await Harness.AdvanceAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.RequestReport));
        Assert.Empty(Harness.Published<ReportSubmitted>(queued, m => m.RequestId));
        Assert.Empty(Harness.TerminalEvents(queued));

        // The real line still works: when the holder ends, the queued report gets its slot and completes.
        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(holder));
        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(queued));
        Assert.Equal(2, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task A_submit_command_with_a_queued_reports_own_step_token_submits_nothing_before_its_slot_is_granted()
    {
        var holder = await Harness.RequestAsync("holds the one slot [sim:time=30m]");
        await Harness.SettleAsync();
        var queued = await Harness.RequestAsync("waits for the slot");
        await Harness.AdvanceUntilAsync(() => Harness.Calls(SimulatorEndpoint.RequestReport) == 1, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "holder submitted");

        // The token the gate will submit under when it grants the slot: leaked, it still buys nothing early.
        var saga = await Harness.SagaAsync(queued);
        Assert.Equal(ReportStates.Queued, saga!.CurrentState);
        var submit = await Harness.Bus.Bus.GetSendEndpoint(ReportSagaQueues.SubmitAddress);
        await submit.Send(new SubmitReport { RequestId = queued, StepToken = saga.StepToken!.Value });
        await Harness.AdvanceAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.RequestReport));
        Assert.Empty(Harness.Published<ReportSubmitted>(queued, m => m.RequestId));
        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(holder));
        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(queued));
        Assert.Equal(2, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task A_repeated_submit_command_of_a_finished_step_submits_nothing_more()
    {
        var requestId = await Harness.RequestAsync("submitted once");
        await Harness.AdvanceUntilAsync(() => Harness.Published<ReportSubmitted>(requestId, m => m.RequestId).Count == 1,
            TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "submitted");

        var original = Harness.Bus.Sent.Select<SubmitReport>().Select(m => m.Context.Message).Single(m => m.RequestId == requestId);
        var submit = await Harness.Bus.Bus.GetSendEndpoint(ReportSagaQueues.SubmitAddress);
        await submit.Send(original);

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.RequestReport));
        Assert.Single(Harness.Published<ReportSubmitted>(requestId, m => m.RequestId));
    }

    private async Task SendToSagaAsync<T>(T message)
        where T : class
    {
        var saga = await Harness.Bus.Bus.GetSendEndpoint(ReportSagaQueues.SagaAddress);
        await saga.Send(message);
        await Harness.SettleAsync();
    }
}
