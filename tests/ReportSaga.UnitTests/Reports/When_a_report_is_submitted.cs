using ReportSaga.Contracts;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

public sealed class When_a_report_is_submitted : ReportSagaTest
{
    [Fact]
    public async Task A_rate_limited_submission_waits_and_submits_again_creating_one_report()
    {
        var requestId = await Harness.RequestAsync("busy provider [sim:submit=429*2]");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));

        Assert.Equal(3, Harness.Calls(SimulatorEndpoint.RequestReport));
        Assert.Single(Harness.Simulator.State.SubmittedReports());
        Assert.Single(Harness.Published<ReportSubmitted>(requestId, m => m.RequestId));
    }

    [Fact]
    public async Task A_provider_fault_on_submit_is_retried_later_creating_one_report()
    {
        var requestId = await Harness.RequestAsync("provider fault [sim:submit=503*1]");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        Assert.Equal(2, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task A_submission_timeout_ends_with_submission_uncertain_and_is_never_resubmitted()
    {
        var requestId = await Harness.RequestAsync("lost answer [sim:submit=timeout]");

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId));

        Assert.Equal(ReportFailureReasons.SubmissionUncertain, failed.Reason);
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task A_connection_lost_after_sending_ends_with_submission_uncertain()
    {
        var requestId = await Harness.RequestAsync("reset [sim:submit=reset]");

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId));

        Assert.Equal(ReportFailureReasons.SubmissionUncertain, failed.Reason);
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task A_400_on_submit_ends_with_bad_request()
    {
        var requestId = await Harness.RequestAsync("refused [sim:submit=400]");

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId));

        Assert.Equal(ReportFailureReasons.BadRequest, failed.Reason);
        Assert.Null(failed.ReportId);
    }

    [Fact]
    public async Task A_403_on_submit_ends_with_unauthorized()
    {
        var requestId = await Harness.RequestAsync("inactive account [sim:submit=403]");

        Assert.Equal(ReportFailureReasons.Unauthorized, Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId)).Reason);
    }
}
