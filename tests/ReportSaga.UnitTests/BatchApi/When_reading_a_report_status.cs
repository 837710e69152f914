using Microsoft.Extensions.Time.Testing;
using ReportSaga.BatchApi;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.BatchApi;

/// <summary>Every status of the provider, read through the client from the simulator as its clock moves.</summary>
public sealed class When_reading_a_report_status : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHost _simulator = null!;
    private TestClient _client = null!;

    public async Task InitializeAsync()
    {
        // 10 s of processing: pending for 5 s, then processing for 5 s.
        _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.FromSeconds(10) }, _time);
        _client = TestClient.For(_simulator.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task A_report_goes_from_pending_through_processing_to_completed_with_its_download_details()
    {
        var reportId = await Submit("plain");

        Assert.Equal(ProviderStatuses.Pending, (await Status(reportId)).Status);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(ProviderStatuses.Processing, (await Status(reportId)).Status);
        _time.Advance(TimeSpan.FromSeconds(5));
        var completed = await Status(reportId);

        Assert.Equal(ProviderStatuses.Completed, completed.Status);
        Assert.Equal(ReportBodies.DefaultEstimate, completed.UsedQuota);
        Assert.Equal(ReportBodies.DefaultEstimate, completed.DataPointsCount);
        Assert.StartsWith(_simulator.BaseAddress.ToString().TrimEnd('/') + "/simulator/downloads/" + reportId, completed.DownloadUrl);
        Assert.Contains("signature=", completed.DownloadUrl);
        Assert.Null(completed.Error);
    }

    [Fact]
    public async Task The_retry_marker_passes_through_status_retry_before_processing()
    {
        var reportId = await Submit("[sim:retry] [sim:time=9s]"); // thirds of 3 s

        Assert.Equal(ProviderStatuses.Pending, (await Status(reportId)).Status);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(ProviderStatuses.Retry, (await Status(reportId)).Status);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(ProviderStatuses.Processing, (await Status(reportId)).Status);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(ProviderStatuses.Completed, (await Status(reportId)).Status);
    }

    [Fact]
    public async Task A_bad_request_report_ends_in_bad_request_with_a_message_and_is_not_charged()
    {
        var reportId = await Submit("[sim:bad_request]");

        _time.Advance(TimeSpan.FromSeconds(5));
        var status = await Status(reportId);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(ProviderStatuses.BadRequest, status.Status);
        Assert.Contains("not valid", status.Error);
        Assert.Equal(ProviderStatuses.BadRequest, (await Status(reportId)).Status); // final
        Assert.Equal(_simulator.Options.InitialCredits, (await _client.Api.GetRemainingCreditsAsync()).Value!.RemainingCredits);
    }

    [Fact]
    public async Task An_internal_error_stays_until_retried()
    {
        var reportId = await Submit("[sim:internal_error]");

        _time.Advance(TimeSpan.FromSeconds(10));
        var failed = await Status(reportId);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(ProviderStatuses.InternalError, failed.Status);
        Assert.NotNull(failed.Error);
        Assert.Equal(ProviderStatuses.InternalError, (await Status(reportId)).Status);
    }

    [Fact]
    public async Task Failed_status_calls_are_retried_by_the_client()
    {
        var reportId = await Submit("[sim:status=503*2]");

        var status = await Status(reportId);

        Assert.Equal(ProviderStatuses.Pending, status.Status);
        Assert.Equal(3, _simulator.State.CallCount(SimulatorEndpoint.Status));
    }

    [Fact]
    public async Task A_status_call_that_keeps_failing_is_a_transient_failure()
    {
        var reportId = await Submit("[sim:status=500]");

        var result = await _client.Api.GetStatusAsync(reportId);

        Assert.Equal(BatchApiOutcome.TransientFailure, result.Outcome);
        Assert.Equal(500, result.StatusCode);
        Assert.Equal(3, _simulator.State.CallCount(SimulatorEndpoint.Status)); // 1 + MaxRetryAttempts (2)
    }

    [Fact]
    public async Task A_timed_out_status_call_is_retried()
    {
        using var impatient = TestClient.For(_simulator.BaseAddress, o => o.AttemptTimeout = TimeSpan.FromSeconds(1.5)); // the held attempt times out; the next must not
        var reportId = await Submit("[sim:status=timeout*1]");

        var result = await impatient.Api.GetStatusAsync(reportId);

        Assert.Equal(ProviderStatuses.Pending, result.Value!.Status);
        Assert.Equal(2, _simulator.State.CallCount(SimulatorEndpoint.Status));
    }

    [Fact]
    public async Task A_rate_limited_status_call_is_returned_as_rate_limited()
    {
        var reportId = await Submit("[sim:status=429*1]");

        var result = await _client.Api.GetStatusAsync(reportId);

        Assert.Equal(BatchApiOutcome.RateLimited, result.Outcome);
        Assert.Equal(1, _simulator.State.CallCount(SimulatorEndpoint.Status));
    }

    [Fact]
    public async Task An_unknown_report_id_is_invalid()
    {
        var result = await _client.Api.GetStatusAsync("no-such-report");

        Assert.Equal(BatchApiOutcome.Invalid, result.Outcome);
        Assert.Equal(404, result.StatusCode);
        Assert.Contains("not found", Assert.Single(result.Errors));
    }

    private async Task<string> Submit(string name)
    {
        var result = await _client.Api.RequestReportAsync(ReportBodies.Body(name));
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        return result.Value!.ReportId;
    }

    private async Task<ReportStatusResult> Status(string reportId)
    {
        var result = await _client.Api.GetStatusAsync(reportId);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        return result.Value!;
    }
}
