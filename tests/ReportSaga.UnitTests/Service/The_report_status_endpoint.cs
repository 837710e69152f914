using System.Net;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Contracts;
using ReportSaga.UnitTests.Reports;

namespace ReportSaga.UnitTests.Service;

/// <summary><c>GET /reports/{requestId}</c> on the service as it starts with no settings (embedded bus, storage, simulator).</summary>
public sealed class The_report_status_endpoint : IAsyncLifetime
{
    private readonly string _storage = Path.Combine(Path.GetTempPath(), $"reportsaga-endpoint-{Guid.NewGuid():N}.db");
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Storage:SqlitePath", _storage);
            web.UseSetting("Simulator:ProcessingTime", "00:00:01");
            web.UseSetting("Polling:InitialInterval", "00:00:00.500");
            web.UseSetting("Polling:MaxInterval", "00:00:01");
            web.ConfigureServices(services => services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true));
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_storage) + "*"))
            File.Delete(file);
    }

    [Fact]
    public async Task A_completed_report_shows_its_progress_and_the_download_url_without_its_signature()
    {
        using var client = _factory.CreateClient();
        var requestId = NewId.NextGuid();
        await _factory.Services.GetRequiredService<IBus>().Publish(new RequestReport { RequestId = requestId, Report = ReportBodies.Monthly("via http") });

        ReportStatus? status = null;
        for (var attempt = 0; attempt < 120 && status?.State != "Completed"; attempt++)
        {
            await Task.Delay(250);
            using var response = await client.GetAsync($"/reports/{requestId}");
            if (response.StatusCode == HttpStatusCode.OK)
                status = await response.Content.ReadFromJsonAsync<ReportStatus>();
        }

        Assert.NotNull(status);
        Assert.Equal("Completed", status.State);
        Assert.Equal("completed", status.ProviderStatus);
        Assert.Equal(requestId, status.RequestId);
        Assert.False(string.IsNullOrEmpty(status.ReportId));
        Assert.True(status.EstimatedCredits > 0);
        Assert.NotNull(status.DownloadUrl);
        Assert.EndsWith(".csv", status.DownloadUrl, StringComparison.Ordinal);
        Assert.DoesNotContain("?", status.DownloadUrl, StringComparison.Ordinal);
        Assert.DoesNotContain("signature", status.DownloadUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_request_id_answers_404()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync($"/reports/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
