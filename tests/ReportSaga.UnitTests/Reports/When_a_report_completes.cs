using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

public sealed class When_a_report_completes : IAsyncLifetime
{
    private ReportSagaHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ReportSagaHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Subscribers_see_validation_submission_every_status_change_and_one_completion()
    {
        var requestId = await _harness.RequestAsync();

        var end = await _harness.RunToEndAsync(requestId);

        var completed = Assert.IsType<ReportCompleted>(end);
        var validated = Assert.Single(_harness.Published<ReportValidated>(requestId, m => m.RequestId));
        Assert.True(validated.EstimatedCredits > 0);
        var submitted = Assert.Single(_harness.Published<ReportSubmitted>(requestId, m => m.RequestId));
        Assert.False(string.IsNullOrEmpty(submitted.ReportId));
        Assert.Equal(submitted.ReportId, completed.ReportId);

        var statuses = _harness.Published<ReportStatusChanged>(requestId, m => m.RequestId).Select(m => m.Status).ToList();
        Assert.Equal([ProviderStatuses.Pending, ProviderStatuses.Processing, ProviderStatuses.Completed], statuses);

        Assert.NotNull(completed.DownloadUrl);
        Assert.StartsWith(_harness.Simulator.BaseAddress.GetLeftPart(UriPartial.Authority), completed.DownloadUrl);
        Assert.True(completed.DataPointsCount > 0);
        Assert.True(completed.UsedQuota > 0);
        Assert.Equal(completed.CompletedAt.AddDays(30), completed.DownloadUrlExpiresAt);
        Assert.InRange(completed.CompletedAt, ReportSagaHarness.Start, _harness.Time.GetUtcNow());
    }

    [Fact]
    public async Task The_provider_is_called_to_validate_once_to_submit_once_and_polled_until_done()
    {
        var requestId = await _harness.RequestAsync();

        await _harness.RunToEndAsync(requestId);

        Assert.Equal(1, _harness.Calls(SimulatorEndpoint.Validate));
        Assert.Equal(1, _harness.Calls(SimulatorEndpoint.RequestReport));
        Assert.Equal(0, _harness.Calls(SimulatorEndpoint.Retry));
        // 30 s of processing, polls starting at 5 s and growing by 1.5: a handful of checks, not one per step.
        Assert.InRange(_harness.Calls(SimulatorEndpoint.Status), 2, 8);
        Assert.False(_harness.AnyFaults());
    }

    [Fact]
    public async Task The_download_url_serves_the_report()
    {
        var requestId = await _harness.RequestAsync();
        var completed = Assert.IsType<ReportCompleted>(await _harness.RunToEndAsync(requestId));

        using var http = new HttpClient();
        var csv = await http.GetStringAsync(completed.DownloadUrl);

        Assert.Contains("amazon.com", csv, StringComparison.Ordinal);
    }
}
