using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Persistence.Reports;
using ReportSaga.Service.OperatorApi;
using ReportSaga.Service.OperatorApi.ErrorQueues;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.OperatorConsole;

/// <summary>
/// Issue #13: the operator API of a service process on RabbitMQ and PostgreSQL: the report list's keyset pages and
/// filters on PostgreSQL, and the error queues read and redriven on the real broker without losing or repeating a message.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_an_operator_uses_the_api_on_rabbitmq_and_postgres(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    private const string OperatorKey = "api-test-operator-key-000001";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string EntryErrorQueue = RequestReportEndpoint.Name + "_error";

    [Fact]
    public Task The_list_pages_through_every_report_once_and_filters_by_state_and_reason() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var service = await StartServiceAsync(scenario);
            // The class's database is shared by its tests: this one looks only at the reports it made.
            var since = "createdAfter=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"));
            var reports = Enumerable.Range(0, 5).Select(i => Reports.Plain(i))
                .Concat(Enumerable.Range(5, 3).Select(i => Reports.OverBudget(i))).ToList();
            await scenario.PublishAsync(reports);
            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90));
            using var http = Client(service);

            var seen = new List<ReportSummary>();
            string? after = null;
            do
            {
                var page = await http.GetFromJsonAsync<ReportListResponse>($"reports?{since}&limit=3" + (after is null ? "" : "&after=" + after), Json);
                seen.AddRange(page!.Reports);
                after = page.Next;
            }
            while (after is not null);

            Assert.Equal(reports.Select(r => r.RequestId).Order(), seen.Select(r => r.RequestId).Order());
            // Newest first (ties, if any, go by id in the database's own order).
            Assert.Equal(seen.OrderByDescending(r => r.CreatedAt).Select(r => r.CreatedAt), seen.Select(r => r.CreatedAt));
            var failed = await http.GetFromJsonAsync<ReportListResponse>($"reports?{since}&state=Failed&failureReason=credit_budget_exceeded", Json);
            Assert.Equal(reports.Skip(5).Select(r => r.RequestId).Order(), failed!.Reports.Select(r => r.RequestId).Order());
            var oldest = seen.Min(r => r.CreatedAt);
            var notFirst = await http.GetFromJsonAsync<ReportListResponse>($"reports?createdAfter={Uri.EscapeDataString(oldest.AddTicks(10).ToString("O"))}", Json);
            Assert.Equal(seen.Count(r => r.CreatedAt >= oldest.AddTicks(10)), notFirst!.Reports.Count);
            var counts = await http.GetFromJsonAsync<ReportCountsResponse>("reports/counts", Json);
            Assert.True(counts!.States["Completed"] >= 5 && counts.States["Failed"] >= 3, JsonSerializer.Serialize(counts));
        });

    [Fact]
    public Task Redriving_an_error_queue_moves_every_message_back_once_and_each_report_runs_once() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var service = await StartServiceAsync(scenario);
            var parked = Enumerable.Range(0, 3).Select(i => Reports.Plain(i)).ToList();
            scenario.Expect(parked);
            var errorQueue = await scenario.Observer.Bus.GetSendEndpoint(new Uri($"queue:{EntryErrorQueue}"));
            foreach (var report in parked)
            {
                await errorQueue.Send(new RequestReport { RequestId = report.RequestId, Report = JsonSerializer.SerializeToElement(report.Body) },
                    context => context.Headers.Set("MT-Fault-Message", $"simulated outage {report.RequestId}"));
            }
            using var http = Client(service);

            var listed = await http.GetFromJsonAsync<ErrorQueuesResponse>("errors", Json);
            var queue = Assert.Single(listed!.Queues, q => q.Queue == EntryErrorQueue);
            Assert.Equal((3u, RequestReportEndpoint.Name), (queue.Depth, queue.SourceQueue));
            Assert.Equal(parked.Select(r => $"simulated outage {r.RequestId}"), queue.Messages.Select(m => m.FaultReason));
            // Reading took nothing away.
            Assert.Equal(3u, (await http.GetFromJsonAsync<ErrorQueuesResponse>("errors", Json))!.Queues.Single(q => q.Queue == EntryErrorQueue).Depth);

            using var unknown = await http.PostAsync("errors/some-other-queue_error/redrive", null);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            using var redrive = await http.PostAsync($"errors/{EntryErrorQueue}/redrive", null);
            redrive.EnsureSuccessStatusCode();
            var result = await redrive.Content.ReadFromJsonAsync<RedriveResult>(Json);

            Assert.Equal((3, 0u), (result!.Moved, result.Remaining));
            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90));
            await using var queues = await BrokerQueues.ConnectAsync(infrastructure.RabbitMqUri);
            Assert.Equal(0u, (await queues.CountsAsync(EntryErrorQueue))?.Messages);
        });

    private static Task<ServiceProcess> StartServiceAsync(EndToEndScenario scenario)
    {
        var settings = scenario.Settings();
        settings["Http__ApiKeys"] = OperatorKey;
        return scenario.StartServiceAsync("service", settings);
    }

    private static HttpClient Client(ServiceProcess service)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperatorKey);
        return client;
    }
}
