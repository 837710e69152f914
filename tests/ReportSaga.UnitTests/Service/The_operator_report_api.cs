using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence.Reports;
using ReportSaga.Persistence.Storage;
using ReportSaga.Service.OperatorApi;
using ReportSaga.UnitTests.Reports;

namespace ReportSaga.UnitTests.Service;

/// <summary>The operator API over reports, on the service as it starts with a key and a trace URL template (embedded bus, SQLite, simulator).</summary>
public sealed class The_operator_report_api : IAsyncLifetime
{
    private const string Key = "operator-report-api-key-01";
    private static readonly DateTimeOffset Base = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ServiceUnderTest _service = new(new Dictionary<string, string?>
    {
        ["Http:ApiKeys"] = Key,
        ["Telemetry:TraceUrlTemplate"] = "http://jaeger.example:16686/trace/{traceId}",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Paging_through_the_list_shows_every_report_once_newest_first()
    {
        var ids = await AddReportsAsync(Enumerable.Range(0, 23).Select(i => Row(i)).ToList());
        using var client = Client();

        var seen = new List<Guid>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await GetAsync<ReportListResponse>(client, "/reports?limit=5" + (after is null ? "" : "&after=" + after));
            seen.AddRange(page.Reports.Select(x => x.RequestId));
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(5, pages);
        Assert.Equal(ids.AsEnumerable().Reverse(), seen);
    }

    [Fact]
    public async Task Filters_narrow_the_list_to_the_matching_reports()
    {
        var rows = Enumerable.Range(0, 12).Select(i => Row(i,
            state: i % 3 == 0 ? "Failed" : "Waiting",
            requestedBy: i % 2 == 0 ? "team-a" : "team-b",
            reason: i % 3 == 0 ? (i % 6 == 0 ? "cancelled" : "bad_request") : null)).ToList();
        var ids = await AddReportsAsync(rows);
        using var client = Client();

        async Task<IReadOnlyList<Guid>> Ids(string query) =>
            (await GetAsync<ReportListResponse>(client, "/reports?" + query)).Reports.Select(x => x.RequestId).ToList();

        Assert.Equal(Expected(rows, ids, r => r.CurrentState == "Failed"), await Ids("state=Failed"));
        Assert.Equal(Expected(rows, ids, r => r.RequestedBy == "team-b"), await Ids("requestedBy=team-b"));
        Assert.Equal(Expected(rows, ids, r => r.FailureReason == "cancelled"), await Ids("failureReason=cancelled"));
        Assert.Equal(Expected(rows, ids, r => r.CreatedAt >= Base.AddMinutes(3) && r.CreatedAt < Base.AddMinutes(7)),
            await Ids($"createdAfter={Uri.EscapeDataString(Base.AddMinutes(3).ToString("O"))}&createdBefore={Uri.EscapeDataString(Base.AddMinutes(7).ToString("O"))}"));
        Assert.Equal([ids[4]], await Ids($"q={ids[4]}"));
        Assert.Equal([ids[7]], await Ids($"q={rows[7].ReportId}"));
        Assert.Equal(Expected(rows, ids, r => r.CurrentState == "Failed" && r.RequestedBy == "team-a"), await Ids("state=Failed&requestedBy=team-a"));
    }

    [Fact]
    public async Task A_bad_cursor_or_limit_is_a_clear_400()
    {
        using var client = Client();

        using var cursor = await client.GetAsync("/reports?after=not-a-cursor");
        using var limit = await client.GetAsync("/reports?limit=1000");

        Assert.Equal(HttpStatusCode.BadRequest, cursor.StatusCode);
        Assert.Contains("after is not a cursor", await cursor.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, limit.StatusCode);
        Assert.Contains("limit must be between 1 and 200", await limit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_completed_report_shows_its_history_its_trace_link_and_no_download_signature()
    {
        using var client = Client();
        var requestId = NewId.NextGuid();
        await _service.Services.GetRequiredService<IBus>().Publish(new RequestReport { RequestId = requestId, Report = ReportBodies.Monthly("details") });

        var details = await UntilAsync(client, requestId, d => d.Report.State == "Completed");

        Assert.Equal("Completed", details.Report.History[^1].ToState);
        Assert.Contains(details.Report.History, x => x.Call == "submit" && x.Outcome.StartsWith("submitted as report", StringComparison.Ordinal));
        Assert.Matches("^[0-9a-f]{32}$", details.Report.TraceId);
        Assert.Equal($"http://jaeger.example:16686/trace/{details.Report.TraceId}", details.TraceUrl);
        Assert.NotNull(details.Report.DownloadUrl);
        Assert.DoesNotContain("?", details.Report.DownloadUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_running_report_ends_it_as_cancelled_and_a_finished_one_cannot_be_cancelled()
    {
        using var client = Client();
        var requestId = NewId.NextGuid();
        var bus = _service.Services.GetRequiredService<IBus>();
        await bus.Publish(new RequestReport { RequestId = requestId, Report = ReportBodies.Monthly("cancel") });
        await UntilAsync(client, requestId, d => d.Report.State is "Queued" or "Submitting" or "Waiting");

        using var cancel = await client.PostAsync($"/reports/{requestId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);

        var ended = await UntilAsync(client, requestId, d => d.Report.State == "Failed");
        Assert.Equal("cancelled", ended.Report.FailureReason);
        Assert.Equal("CancelRequested", ended.Report.History[^1].Event);
        using var again = await client.PostAsync($"/reports/{requestId}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var unknown = await client.PostAsync($"/reports/{Guid.NewGuid()}/cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // One end: a single entry into Failed, after which the repeated cancel changed nothing.
        await Task.Delay(500);
        var final = await UntilAsync(client, requestId, _ => true);
        Assert.Single(final.Report.History, x => x.ToState == "Failed");
    }

    [Fact]
    public async Task Counts_and_the_gate_answer_what_the_database_holds()
    {
        await AddReportsAsync([Row(0, state: "Waiting"), Row(1, state: "Waiting"), Row(2, state: "Failed", reason: "cancelled")]);
        using var client = Client();

        var counts = await GetAsync<ReportCountsResponse>(client, "/reports/counts");
        var gate = await GetAsync<GateResponse>(client, "/gate");

        Assert.Equal(2, counts.States["Waiting"]);
        Assert.Equal(1, counts.States["Failed"]);
        Assert.Equal(3, counts.Total);
        Assert.Equal((0, 0, 90), (gate.InFlight, gate.Waiting, gate.MaxInFlight));
    }

    [Fact]
    public async Task The_api_needs_a_key_but_the_page_and_the_api_reference_do_not()
    {
        using var anonymous = _service.Client();

        foreach (var path in new[] { "/reports", "/reports/counts", "/gate", "/errors", $"/reports/{Guid.NewGuid()}/details" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using (var cancel = await anonymous.PostAsync($"/reports/{Guid.NewGuid()}/cancel", null))
            Assert.Equal(HttpStatusCode.Unauthorized, cancel.StatusCode);

        using var page = await anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("ReportSaga operator console", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var document = await anonymous.GetStringAsync("/openapi/v1.json");
        foreach (var operation in new[] { "ListReports", "GetReportDetails", "CancelReport", "CountReportsByState", "GetSubmissionGate", "ListErrorQueues", "RedriveErrorQueue", "RedriveErrorMessage" })
            Assert.Contains($"\"operationId\": \"{operation}\"", document, StringComparison.Ordinal);
        using var reference = await anonymous.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
    }

    [Fact]
    public async Task On_the_in_memory_bus_the_error_queues_say_why_they_cannot_be_shown()
    {
        using var client = Client();

        var errors = await GetAsync<ErrorQueuesResponse>(client, "/errors");
        using var redrive = await client.PostAsync("/errors/report-state_error/redrive", null);

        Assert.False(errors.Available);
        Assert.Contains("in-memory bus", errors.Unavailable, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, redrive.StatusCode);
    }

    private static ReportState Row(int i, string state = "Waiting", string? requestedBy = null, string? reason = null) => new()
    {
        CorrelationId = NewId.NextGuid(),
        CurrentState = state,
        ReportId = $"r-{i}-{Guid.NewGuid():N}"[..12],
        RequestedBy = requestedBy,
        FailureReason = reason,
        // Two reports share each minute, so the keyset's tie-break on the id is exercised too.
        CreatedAt = Base.AddMinutes(i / 2),
        UpdatedAt = Base.AddMinutes(i / 2),
    };

    /// <summary>Adds the rows; returns their ids oldest first (the order the list gives reversed).</summary>
    private async Task<List<Guid>> AddReportsAsync(IReadOnlyList<ReportState> rows)
    {
        await using var db = _service.Services.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
        db.Reports.AddRange(rows);
        await db.SaveChangesAsync();
        var ids = (await GetAsync<ReportListResponse>(Client(), "/reports?limit=200")).Reports.Select(x => x.RequestId).Reverse().ToList();
        Assert.Equal(rows.Select(x => x.CorrelationId).Order(), ids.Order());
        return ids;
    }

    private static IReadOnlyList<Guid> Expected(IReadOnlyList<ReportState> rows, List<Guid> idsOldestFirst, Func<ReportState, bool> match)
    {
        var matching = rows.Where(match).Select(x => x.CorrelationId).ToHashSet();
        return idsOldestFirst.AsEnumerable().Reverse().Where(matching.Contains).ToList();
    }

    private async Task<ReportDetailsResponse> UntilAsync(HttpClient client, Guid requestId, Func<ReportDetailsResponse, bool> done)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            using var response = await client.GetAsync($"/reports/{requestId}/details");
            if (response.StatusCode == HttpStatusCode.OK && await response.Content.ReadFromJsonAsync<ReportDetailsResponse>(Json) is { } details && done(details))
                return details;
            await Task.Delay(250);
        }

        throw new Xunit.Sdk.XunitException($"Report {requestId} did not reach the expected state within 30 s.");
    }

    private static async Task<T> GetAsync<T>(HttpClient client, string path) =>
        await client.GetFromJsonAsync<T>(path, Json) ?? throw new Xunit.Sdk.XunitException($"{path} answered nothing.");

    private HttpClient Client()
    {
        var client = _service.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }
}
