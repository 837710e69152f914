using Microsoft.Extensions.Time.Testing;
using ReportSaga.Simulator;
using ReportSaga.UnitTests.BatchApi;

namespace ReportSaga.UnitTests.Simulator;

public sealed class When_a_report_is_downloaded : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHost _simulator = null!;
    private TestClient _client = null!;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.FromSeconds(10) }, _time);
        _client = TestClient.For(_simulator.BaseAddress);
        _anonymous = new HttpClient(); // a download link needs no api-key, like a pre-signed URL
    }

    public async Task DisposeAsync()
    {
        _anonymous.Dispose();
        _client.Dispose();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task The_link_serves_the_same_csv_rows_every_time()
    {
        var url = await CompletedReportUrl("csv");

        var first = await _anonymous.GetStringAsync(url);
        var second = await _anonymous.GetStringAsync(url);

        var lines = first.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("domain,country,date,metric,value", lines[0]);
        Assert.Equal(1 + 2 * 2 * 2, lines.Length); // 2 domains × 2 countries × 2 metrics
        Assert.StartsWith("amazon.com,WW,2024-01,all_traffic_visits,", lines[1]);
        Assert.Equal(first, second);
        Assert.Equal(2, _simulator.State.CallCount(SimulatorEndpoint.Download));
    }

    [Fact]
    public async Task The_link_expires_thirty_days_after_completion()
    {
        var url = await CompletedReportUrl("expiring");

        _time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        using var stillValid = await _anonymous.GetAsync(url);
        _time.Advance(TimeSpan.FromSeconds(1));
        using var expired = await _anonymous.GetAsync(url);

        Assert.Equal(200, (int)stillValid.StatusCode);
        Assert.Equal(403, (int)expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_link_without_or_with_a_changed_signature_is_forbidden()
    {
        var url = await CompletedReportUrl("tampered");

        using var withoutQuery = await _anonymous.GetAsync(url[..url.IndexOf('?')]);
        using var changed = await _anonymous.GetAsync(url.Replace("expires=", "expires=9"));

        Assert.Equal(403, (int)withoutQuery.StatusCode);
        Assert.Equal(403, (int)changed.StatusCode);
    }

    private async Task<string> CompletedReportUrl(string name)
    {
        var reportId = (await _client.Api.RequestReportAsync(ReportBodies.Body(name))).Value!.ReportId;
        _time.Advance(TimeSpan.FromSeconds(10));
        return (await _client.Api.GetStatusAsync(reportId)).Value!.DownloadUrl!;
    }
}
