using MassTransit;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

public sealed class When_a_report_fails_with_internal_error : ReportSagaTest
{
    [Fact]
    public async Task The_retry_endpoint_is_called_and_the_report_completes()
    {
        var requestId = await Harness.RequestAsync("flaky [sim:internal_error]");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));

        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.Retry));
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.RequestReport));
        var statuses = Harness.Published<ReportStatusChanged>(requestId, m => m.RequestId).Select(m => m.Status).ToList();
        Assert.Contains(ProviderStatuses.InternalError, statuses);
        Assert.Equal(ProviderStatuses.Completed, statuses[^1]);
    }

    [Fact]
    public async Task A_repeated_retry_call_refused_because_the_first_worked_does_not_fail_the_report()
    {
        var requestId = await Harness.RequestAsync("flaky [sim:internal_error]");
        await Harness.AdvanceUntilAsync(() => Harness.Calls(SimulatorEndpoint.Retry) == 1, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1), "first retry");
        // The same command again, as a redelivery after a crash between the call and its commit would bring it.
        var retry = Harness.Bus.Sent.Select<RetryReport>().Select(m => m.Context.Message).Single(m => m.RequestId == requestId);
        var retryQueue = await Harness.Bus.Bus.GetSendEndpoint(ReportSagaQueues.RetryAddress);
        await retryQueue.Send(retry);

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        Assert.Equal(2, Harness.Calls(SimulatorEndpoint.Retry));
        Assert.False(Harness.AnyFaults());
    }

    [Fact]
    public async Task After_max_retries_it_fails_with_retries_exhausted()
    {
        var requestId = await Harness.RequestAsync("broken [sim:internal_error=10]");

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId));

        Assert.Equal(ReportFailureReasons.RetriesExhausted, failed.Reason);
        Assert.Equal(3, Harness.Calls(SimulatorEndpoint.Retry));
        Assert.False(string.IsNullOrEmpty(failed.ReportId));
    }
}

public sealed class When_a_report_fails_with_internal_error_and_no_retries_are_allowed : ReportSagaTest
{
    protected override void Settings(IDictionary<string, string?> settings) => settings["Reports:MaxRetries"] = "0";

    [Fact]
    public async Task It_fails_with_retries_exhausted_without_calling_retry()
    {
        var requestId = await Harness.RequestAsync("broken [sim:internal_error]");

        Assert.Equal(ReportFailureReasons.RetriesExhausted, Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId)).Reason);
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.Retry));
    }
}

public sealed class When_the_provider_reports_retry_or_bad_request : ReportSagaTest
{
    [Fact]
    public async Task Status_retry_keeps_waiting_until_the_report_completes()
    {
        var requestId = await Harness.RequestAsync("provider retries [sim:retry]");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        Assert.Contains(ProviderStatuses.Retry, Harness.Published<ReportStatusChanged>(requestId, m => m.RequestId).Select(m => m.Status));
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.Retry));
    }

    [Fact]
    public async Task Status_bad_request_fails_with_bad_request_and_the_providers_message()
    {
        var requestId = await Harness.RequestAsync("unavailable country [sim:bad_request]");

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId));

        Assert.Equal(ReportFailureReasons.BadRequest, failed.Reason);
        Assert.NotEmpty(failed.Errors);
        Assert.False(string.IsNullOrEmpty(failed.ReportId));
    }

    [Fact]
    public async Task A_status_outage_is_polled_through_with_backoff()
    {
        var requestId = await Harness.RequestAsync("flaky status [sim:status=500*3]");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        Assert.False(Harness.AnyFaults());
    }
}
