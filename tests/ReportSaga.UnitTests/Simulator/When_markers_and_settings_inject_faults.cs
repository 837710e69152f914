using Microsoft.Extensions.Time.Testing;
using ReportSaga.BatchApi;
using ReportSaga.Simulator;
using ReportSaga.UnitTests.BatchApi;

namespace ReportSaga.UnitTests.Simulator;

public sealed class When_markers_and_settings_inject_faults
{
    [Fact]
    public async Task A_submit_fault_counts_calls_per_report_name()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress);
        var flaky = ReportBodies.Body("a [sim:submit=500*2]");
        var other = ReportBodies.Body("b [sim:submit=500*2]");

        var outcomes = new[]
        {
            (await client.Api.RequestReportAsync(flaky)).Outcome,
            (await client.Api.RequestReportAsync(other)).Outcome,
            (await client.Api.RequestReportAsync(flaky)).Outcome,
            (await client.Api.RequestReportAsync(flaky)).Outcome,
        };

        Assert.Equal(
            [BatchApiOutcome.TransientFailure, BatchApiOutcome.TransientFailure, BatchApiOutcome.TransientFailure, BatchApiOutcome.Success],
            outcomes);
        Assert.Equal(1, simulator.State.SubmissionCount("a [sim:submit=500*2]"));
        Assert.Equal(0, simulator.State.SubmissionCount("b [sim:submit=500*2]"));
        Assert.Equal(4, simulator.State.CallCount(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task A_submit_fault_without_a_count_applies_to_every_call()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(BatchApiOutcome.RateLimited, (await client.Api.RequestReportAsync(ReportBodies.Body("[sim:submit=429]"))).Outcome);
        }
    }

    [Fact]
    public async Task A_status_fault_counts_calls_per_report_id()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress, o => o.MaxRetryAttempts = 0);
        var first = (await client.Api.RequestReportAsync(ReportBodies.Body("[sim:status=503*1]"))).Value!.ReportId;
        var second = (await client.Api.RequestReportAsync(ReportBodies.Body("[sim:status=503*1]"))).Value!.ReportId;

        Assert.Equal(BatchApiOutcome.TransientFailure, (await client.Api.GetStatusAsync(first)).Outcome);
        Assert.Equal(BatchApiOutcome.TransientFailure, (await client.Api.GetStatusAsync(second)).Outcome);
        Assert.Equal(BatchApiOutcome.Success, (await client.Api.GetStatusAsync(first)).Outcome);
    }

    [Fact]
    public async Task The_time_marker_sets_the_processing_time_of_one_report()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.FromHours(1) }, time);
        using var client = TestClient.For(simulator.BaseAddress);
        var quick = (await client.Api.RequestReportAsync(ReportBodies.Body("[sim:time=500ms]"))).Value!.ReportId;
        var slow = (await client.Api.RequestReportAsync(ReportBodies.Body("default"))).Value!.ReportId;

        time.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal(ProviderStatuses.Completed, simulator.State.FindReport(quick)!.Status);
        Assert.Equal(ProviderStatuses.Pending, simulator.State.FindReport(slow)!.Status);
    }

    [Fact]
    public async Task A_configured_error_rate_of_one_fails_every_status_call()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Faults = { StatusErrorRate = 1 } });
        using var client = TestClient.For(simulator.BaseAddress, o => o.MaxRetryAttempts = 0);
        var reportId = (await client.Api.RequestReportAsync(ReportBodies.Body())).Value!.ReportId;

        var result = await client.Api.GetStatusAsync(reportId);

        Assert.Equal(BatchApiOutcome.TransientFailure, result.Outcome);
        Assert.Equal(500, result.StatusCode);
    }

    [Fact]
    public async Task A_configured_error_rate_on_request_report_creates_no_report()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Faults = { RequestReportErrorRate = 1 } });
        using var client = TestClient.For(simulator.BaseAddress);

        var result = await client.Api.RequestReportAsync(ReportBodies.Body());

        Assert.Equal(BatchApiOutcome.TransientFailure, result.Outcome);
        Assert.Empty(simulator.State.SubmittedReports());
    }

    [Fact]
    public async Task Configured_latency_longer_than_the_client_timeout_makes_idempotent_calls_fail_transiently()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Faults = { Latency = TimeSpan.FromSeconds(5) } });
        using var client = TestClient.For(simulator.BaseAddress, o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.MaxRetryAttempts = 1;
        });

        var result = await client.Api.GetRemainingCreditsAsync();

        Assert.Equal(BatchApiOutcome.TransientFailure, result.Outcome);
        Assert.Equal(2, simulator.State.CallCount(SimulatorEndpoint.Credits));
    }

    [Fact]
    public async Task Finished_reports_free_their_place_under_the_pending_limit()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        await using var simulator = await SimulatorHost.StartAsync(
            new SimulatorOptions { MaxPendingReportsPerKey = 1, ProcessingTime = TimeSpan.FromSeconds(10) }, time);
        using var client = TestClient.For(simulator.BaseAddress);
        Assert.True((await client.Api.RequestReportAsync(ReportBodies.Body("1"))).IsSuccess);
        Assert.Equal(BatchApiOutcome.RateLimited, (await client.Api.RequestReportAsync(ReportBodies.Body("2"))).Outcome);

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.True((await client.Api.RequestReportAsync(ReportBodies.Body("2"))).IsSuccess);
    }
}
