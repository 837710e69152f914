using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// The consumer that accepts a request calls the provider's validate before it hands the request to the saga, so a
/// report normally starts queued with its estimate. When the provider cannot answer then, or the request was accepted
/// by an earlier version, the saga validates it itself.
/// </summary>
public sealed class When_a_request_is_validated_as_it_is_accepted : ReportSagaTest
{
    [Fact]
    public async Task A_valid_request_starts_queued_with_its_estimate_and_one_validate_call()
    {
        var requestId = await Harness.RequestAsync("validated on arrival");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.Validate));
        Assert.Single(Harness.Published<ReportValidated>(requestId, m => m.RequestId));
        Assert.Empty(Harness.Bus.Sent.Select<Orchestration.Commands.ValidateReport>());
    }

    [Fact]
    public async Task A_provider_busy_at_acceptance_is_asked_again_only_after_the_backoff()
    {
        var requestId = await Harness.RequestAsync("busy on arrival [sim:validate=429*1]");
        await Harness.SettleAsync();

        // Accepted and waiting in Validating: the report exists (status, cancel) and the provider is left alone.
        Assert.Equal(ReportStates.Validating, (await Harness.SagaAsync(requestId))!.CurrentState);
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.Validate));
        await Harness.AdvanceAsync(TimeSpan.FromSeconds(4));
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.Validate));

        // Submission__RetryDelay is 5 s here.
        await Harness.AdvanceUntilAsync(() => Harness.Calls(SimulatorEndpoint.Validate) == 2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), "validated again");
        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        Assert.Single(Harness.Published<ReportValidated>(requestId, m => m.RequestId));
    }

    [Fact]
    public async Task A_request_accepted_by_an_earlier_version_is_validated_by_the_saga()
    {
        // An earlier version hands the saga the request without a validation.
        var requestId = NewId.NextGuid();
        var saga = await Harness.Bus.Bus.GetSendEndpoint(ReportSagaQueues.SagaAddress);
        await saga.Send(new ReportRequestAccepted { RequestId = requestId, Report = ReportBodies.Monthly("accepted before the upgrade"), RequestedBy = "tests" });

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.Validate));
        Assert.Single(Harness.Bus.Sent.Select<Orchestration.Commands.ValidateReport>());
    }
}
