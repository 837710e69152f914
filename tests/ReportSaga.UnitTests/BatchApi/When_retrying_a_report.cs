using Microsoft.Extensions.Time.Testing;
using ReportSaga.BatchApi;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.BatchApi;

public sealed class When_retrying_a_report : IAsyncLifetime
{
    private const long InitialCredits = 1_000;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHost _simulator = null!;
    private TestClient _client = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorHost.StartAsync(
            new SimulatorOptions { ProcessingTime = TimeSpan.FromSeconds(10), InitialCredits = InitialCredits }, _time);
        _client = TestClient.For(_simulator.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task A_retried_internal_error_goes_through_retry_and_completes_charged_only_once()
    {
        var reportId = await Submit("[sim:internal_error] [sim:quota=100]");
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(ProviderStatuses.InternalError, await Status(reportId));

        var retry = await _client.Api.RetryAsync(reportId);

        Assert.Equal(BatchApiOutcome.Success, retry.Outcome);
        Assert.Equal(new RetryResult(reportId, ProviderStatuses.Retry), retry.Value);
        Assert.Equal(ProviderStatuses.Retry, await Status(reportId));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(ProviderStatuses.Processing, await Status(reportId));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(ProviderStatuses.Completed, await Status(reportId));
        Assert.Equal(InitialCredits - 100, (await _client.Api.GetRemainingCreditsAsync()).Value!.RemainingCredits);
        Assert.Equal(1, _simulator.State.FindReport(reportId)!.RetryCount);
    }

    [Fact]
    public async Task Each_retry_recovers_one_of_several_internal_errors()
    {
        var reportId = await Submit("[sim:internal_error=2]");
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(ProviderStatuses.InternalError, await Status(reportId));

        Assert.True((await _client.Api.RetryAsync(reportId)).IsSuccess);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(ProviderStatuses.InternalError, await Status(reportId));

        Assert.True((await _client.Api.RetryAsync(reportId)).IsSuccess);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(ProviderStatuses.Completed, await Status(reportId));
    }

    [Fact]
    public async Task Retrying_a_report_that_is_not_in_internal_error_is_invalid()
    {
        var reportId = await Submit("fine");

        var result = await _client.Api.RetryAsync(reportId);

        Assert.Equal(BatchApiOutcome.Invalid, result.Outcome);
        Assert.Equal(400, result.StatusCode);
        Assert.Contains("only reports in internal_error can be retried", Assert.Single(result.Errors));
        Assert.Equal(ProviderStatuses.Pending, await Status(reportId));
    }

    [Fact]
    public async Task A_failed_retry_call_is_retried_by_the_client()
    {
        var reportId = await Submit("[sim:internal_error] [sim:retrycall=500*1]");
        _time.Advance(TimeSpan.FromSeconds(10));

        var result = await _client.Api.RetryAsync(reportId);

        Assert.Equal(BatchApiOutcome.Success, result.Outcome);
        Assert.Equal(2, _simulator.State.CallCount(SimulatorEndpoint.Retry));
        Assert.Equal(1, _simulator.State.FindReport(reportId)!.RetryCount);
    }

    [Fact]
    public async Task Retrying_an_unknown_report_is_invalid()
    {
        var result = await _client.Api.RetryAsync("no-such-report");

        Assert.Equal(BatchApiOutcome.Invalid, result.Outcome);
        Assert.Equal(404, result.StatusCode);
    }

    private async Task<string> Submit(string name)
    {
        var result = await _client.Api.RequestReportAsync(ReportBodies.Body(name));
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        return result.Value!.ReportId;
    }

    private async Task<string> Status(string reportId) => (await _client.Api.GetStatusAsync(reportId)).Value!.Status;
}
