using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

public sealed class When_requests_repeat_or_are_cancelled : ReportSagaTest
{
    [Fact]
    public async Task The_same_request_id_twice_yields_one_report_one_submission_and_one_terminal_event()
    {
        var requestId = await Harness.RequestAsync("twice");
        await Harness.RequestAsync("twice", requestId: requestId);
        await Harness.RunToEndAsync(requestId);
        await Harness.RequestAsync("twice", requestId: requestId);
        await Harness.AdvanceAsync(TimeSpan.FromMinutes(1));

        Assert.Single(Harness.TerminalEvents(requestId));
        Assert.Single(Harness.Published<ReportValidated>(requestId, m => m.RequestId));
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.RequestReport));
        // Each copy is validated as it is accepted (free of charge, before the saga is asked); only the first counts.
        Assert.Equal(3, Harness.Calls(SimulatorEndpoint.Validate));
    }

    [Fact]
    public async Task Cancel_ends_the_report_as_cancelled_and_stops_its_polls()
    {
        var requestId = await Harness.RequestAsync("cancel me [sim:time=1h]");
        await Harness.AdvanceUntilAsync(() => Harness.Calls(SimulatorEndpoint.Status) >= 1, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2), "first poll");

        await Harness.Bus.Bus.Publish(new CancelReport { RequestId = requestId });
        await Harness.SettleAsync();
        var polls = Harness.Calls(SimulatorEndpoint.Status);
        for (var i = 0; i < 10; i++)
            await Harness.AdvanceAsync(TimeSpan.FromMinutes(1));

        var failed = Assert.IsType<ReportFailed>(Assert.Single(Harness.TerminalEvents(requestId)));
        Assert.Equal(ReportFailureReasons.Cancelled, failed.Reason);
        Assert.NotNull(failed.ReportId);
        Assert.Equal(polls, Harness.Calls(SimulatorEndpoint.Status));
    }

    [Fact]
    public async Task Cancel_of_an_unknown_request_does_nothing_and_faults_nothing()
    {
        await Harness.Bus.Bus.Publish(new CancelReport { RequestId = NewId.NextGuid() });
        await Harness.SettleAsync();

        Assert.Empty(Harness.Bus.Published.Select<ReportFailed>());
        Assert.False(Harness.AnyFaults());
    }

    [Fact]
    public async Task Late_messages_after_the_end_are_ignored_without_a_fault_or_a_second_terminal_event()
    {
        var requestId = await Harness.RequestAsync();
        var completed = Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));

        await Harness.Bus.Bus.Publish(new ReportStatusChecked { RequestId = requestId, ReportId = completed.ReportId, Status = "internal_error" });
        await Harness.Bus.Bus.Publish(new ReportWakeUp { RequestId = requestId });
        await Harness.Bus.Bus.Publish(new ReportSubmitted { RequestId = requestId, ReportId = "other" });
        await Harness.Bus.Bus.Publish(new ReportRejected { RequestId = requestId, Reason = ReportFailureReasons.BadRequest });
        await Harness.Bus.Bus.Publish(new CancelReport { RequestId = requestId });
        await Harness.Bus.Bus.Publish(new ReportDeadlineReached { RequestId = requestId });
        await Harness.SettleAsync();

        Assert.Single(Harness.TerminalEvents(requestId));
        Assert.False(Harness.AnyFaults());
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.Retry));
    }

    [Fact]
    public async Task A_stale_poll_while_waiting_is_dropped()
    {
        var requestId = await Harness.RequestAsync("slow [sim:time=2m]");
        await Harness.AdvanceUntilAsync(() => Harness.Published<ReportSubmitted>(requestId, m => m.RequestId).Count == 1,
            TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "submitted");
        var polls = Harness.Calls(SimulatorEndpoint.Status);

        // A wake-up without the saga's current scheduling token (say, from an earlier schedule) changes nothing.
        await Harness.Bus.Bus.Publish(new ReportWakeUp { RequestId = requestId },
            Pipe.Execute<PublishContext<ReportWakeUp>>(context => context.Headers.Set(MessageHeaders.SchedulingTokenId, Guid.NewGuid().ToString())));
        await Harness.SettleAsync();

        Assert.Equal(polls, Harness.Calls(SimulatorEndpoint.Status));
        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        Assert.False(Harness.AnyFaults());
    }
}
