using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Persistence.Storage;
using ReportSaga.UnitTests.Reports;

namespace ReportSaga.UnitTests.Service;

/// <summary><c>GET /reports/{requestId}</c> on the service as it starts with no settings but a key (embedded bus, storage, simulator).</summary>
public sealed class The_report_status_endpoint : IAsyncLifetime
{
    private const string Key = "status-endpoint-key-0123";
    private readonly ServiceUnderTest _service = new(new Dictionary<string, string?> { ["Http:ApiKeys"] = Key });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task A_completed_report_shows_its_progress_and_the_download_url_without_its_signature()
    {
        using var client = Client();
        var requestId = await RunReportToCompletionAsync(client);

        var status = await client.GetFromJsonAsync<ReportStatus>($"/reports/{requestId}");

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
    public async Task It_answers_what_GetReportStatus_answers_on_the_bus_but_for_the_signature()
    {
        using var client = Client();
        var requestId = await RunReportToCompletionAsync(client);

        var overHttp = await client.GetFromJsonAsync<ReportStatus>($"/reports/{requestId}");
        var overBus = (await _service.Services.GetRequiredService<IBus>().CreateRequestClient<GetReportStatus>()
            .GetResponse<ReportStatus>(new GetReportStatus { RequestId = requestId })).Message;

        Assert.Contains("?", overBus.DownloadUrl, StringComparison.Ordinal);
        Assert.Equal(overBus with { DownloadUrl = UrlRedaction.WithoutQuery(overBus.DownloadUrl!) }, overHttp);
    }

    [Fact]
    public async Task Reading_writes_nothing_to_the_database()
    {
        using var client = Client();
        var requestId = await RunReportToCompletionAsync(client);
        var before = await DatabaseSnapshotAsync(requestId);

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync($"/reports/{requestId}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var unknown = await client.GetAsync($"/reports/{Guid.NewGuid()}"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        Assert.Equal(before, await DatabaseSnapshotAsync(requestId));
    }

    [Fact]
    public async Task An_unknown_request_id_answers_404()
    {
        using var client = Client();

        using var response = await client.GetAsync($"/reports/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private HttpClient Client()
    {
        var client = _service.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }

    private async Task<Guid> RunReportToCompletionAsync(HttpClient client)
    {
        var requestId = NewId.NextGuid();
        await _service.Services.GetRequiredService<IBus>().Publish(new RequestReport { RequestId = requestId, Report = ReportBodies.Monthly("via http") });

        for (var attempt = 0; attempt < 120; attempt++)
        {
            await Task.Delay(250);
            using var response = await client.GetAsync($"/reports/{requestId}");
            if (response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadFromJsonAsync<ReportStatus>())?.State == "Completed")
                return requestId;
        }

        throw new Xunit.Sdk.XunitException($"Report {requestId} did not complete within 30 s.");
    }

    /// <summary>What a write would change: the inbox and outbox row counts and the saga row's version.</summary>
    private async Task<(int Inbox, int Outbox, int Version)> DatabaseSnapshotAsync(Guid requestId)
    {
        // Let the outbox finish delivering what the report's last consume stored, so only the reads can change it.
        var (inbox, outbox, version) = (-1, -1, -1);
        for (var attempt = 0; attempt < 40; attempt++)
        {
            await using var db = _service.Services.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
            var now = (await db.InboxStates.CountAsync(), await db.OutboxMessages.CountAsync(),
                await db.Reports.Where(r => r.CorrelationId == requestId).Select(r => r.Version).SingleAsync());
            if (now == (inbox, outbox, version) && outbox == 0)
                return now;
            (inbox, outbox, version) = now;
            await Task.Delay(250);
        }

        return (inbox, outbox, version);
    }
}
