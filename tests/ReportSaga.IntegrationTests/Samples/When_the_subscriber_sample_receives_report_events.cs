using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Messaging;
using ReportSaga.Samples.Subscriber;

namespace ReportSaga.IntegrationTests.Samples;

/// <summary>The subscriber sample's consumer and endpoint (samples/ReportSaga.Samples.Subscriber) on a real broker.</summary>
public sealed class When_the_subscriber_sample_receives_report_events(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>
{
    private static readonly string ConsumerCategory = typeof(ReportEventsConsumer).FullName!;

    [Fact]
    public async Task It_logs_each_of_the_five_public_events_of_a_report()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        using var log = new CapturedLog();
        await using var bus = await StartSubscriberAsync(isolated.RabbitMqUri, log);
        var requestId = Guid.NewGuid();
        const string reportId = "845d6440-79d1-4125-964e-eaef0d6923e5";

        using var warning = JsonDocument.Parse("""{"code":"large_report"}""");
        await bus.Bus.Publish(new ReportValidated { RequestId = requestId, EstimatedCredits = 208, Warnings = [warning.RootElement.Clone()] });
        await bus.Bus.Publish(new ReportSubmitted { RequestId = requestId, ReportId = reportId });
        await bus.Bus.Publish(new ReportStatusChanged { RequestId = requestId, ReportId = reportId, Status = "processing" });
        await bus.Bus.Publish(new ReportCompleted { RequestId = requestId, ReportId = reportId, DownloadUrl = "https://downloads.example/r.csv", UsedQuota = 35589 });
        await bus.Bus.Publish(new ReportFailed { RequestId = requestId, Reason = ReportFailureReasons.Cancelled, Errors = ["cancelled by billing"] });

        var entries = await log.WaitUntilAsync(e => Of(e, requestId).Count >= 5, "each of the five events");
        var logged = Of(entries, requestId);
        Assert.Equal(5, logged.Count);
        Assert.Contains(logged, e => e.Message.StartsWith("ReportValidated") && e.Message.Contains("208") && e.Message.Contains("large_report"));
        Assert.Contains(logged, e => e.Message.StartsWith("ReportSubmitted") && e.Message.Contains(reportId));
        Assert.Contains(logged, e => e.Message.StartsWith("ReportStatusChanged") && e.Message.Contains("processing"));
        Assert.Contains(logged, e => e.Message.StartsWith("ReportCompleted") && e.Message.Contains("35589"));
        Assert.Contains(logged, e => e.Message.StartsWith("ReportFailed") && e.Level == LogLevel.Warning
                                     && e.Message.Contains("cancelled") && e.Message.Contains("cancelled by billing"));
    }

    [Fact]
    public async Task It_logs_the_download_url_without_its_signature()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        using var log = new CapturedLog();
        await using var bus = await StartSubscriberAsync(isolated.RabbitMqUri, log);
        var requestId = Guid.NewGuid();
        const string signature = "X-Amz-Signature=7f1c0ffee";

        await bus.Bus.Publish(new ReportCompleted
        {
            RequestId = requestId, ReportId = "r-1",
            DownloadUrl = $"https://downloads.example/reports/r-1.csv?X-Amz-Expires=2592000&{signature}#part",
        });

        var entries = await log.WaitUntilAsync(e => Of(e, requestId).Count >= 1, "the ReportCompleted entry");
        var completed = Assert.Single(Of(entries, requestId));
        Assert.Contains("https://downloads.example/reports/r-1.csv", completed.Message);
        Assert.DoesNotContain("?", completed.Message);
        // Nowhere in the log, MassTransit's own entries included.
        Assert.DoesNotContain(entries, e => e.Message.Contains(signature));
    }

    [Fact]
    public async Task It_reads_from_its_own_durable_queue_named_for_the_sample()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        using var log = new CapturedLog();
        await using var bus = await StartSubscriberAsync(isolated.RabbitMqUri, log);
        var requestId = Guid.NewGuid();

        await bus.Bus.Publish(new ReportSubmitted { RequestId = requestId, ReportId = "r-2" });
        await log.WaitUntilAsync(e => Of(e, requestId).Count >= 1, "the ReportSubmitted entry");

        // The queue outlives the subscriber: events published while it is down wait for it there.
        var management = await RabbitMqTestServer.GetAsync();
        Assert.True(await QueueIsDurableAsync(management.ManagementUri, isolated.VirtualHost, ReportSubscriber.QueueName));
    }

    [Fact]
    public async Task With_a_requester_it_receives_only_that_requesters_events_through_the_by_requester_exchanges()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        // What the service declares when it starts (ByRequesterExchanges).
        await using (var connection = await ReportSaga.IntegrationTests.BrokerAccess.Amqp.ConnectAsync(isolated.RabbitMqUri))
            await ReportSaga.Service.Messaging.ByRequesterExchanges.DeclareAsync(connection, CancellationToken.None);
        using var log = new CapturedLog();
        await using var orders = await StartSubscriberAsync(isolated.RabbitMqUri, log, "orders");
        var mine = Guid.NewGuid();
        var theirs = Guid.NewGuid();
        var nobodys = Guid.NewGuid();

        // Published as the service publishes: the requester in the event and in its ReportSaga-RequestedBy header.
        await Publish(orders, new ReportCompleted { RequestId = theirs, ReportId = "r-b", RequestedBy = "billing" }, "billing");
        await Publish(orders, new ReportCompleted { RequestId = nobodys, ReportId = "r-n" }, null);
        await Publish(orders, new ReportSubmitted { RequestId = mine, ReportId = "r-o", RequestedBy = "orders" }, "orders");
        await Publish(orders, new ReportCompleted { RequestId = mine, ReportId = "r-o", RequestedBy = "orders" }, "orders");

        var entries = await log.WaitUntilAsync(e => Of(e, mine).Count >= 2, "the orders events");
        // The queue is bound to nothing else: the other events went nowhere it listens.
        await Task.Delay(TimeSpan.FromSeconds(1));
        entries = await log.WaitUntilAsync(_ => true, "the log so far");
        Assert.Equal(2, Of(entries, mine).Count);
        Assert.Contains(Of(entries, mine), e => e.Message.StartsWith("ReportCompleted", StringComparison.Ordinal) && e.Message.Contains("requested by orders"));
        Assert.Empty(Of(entries, theirs));
        Assert.Empty(Of(entries, nobodys));
    }

    [Fact]
    public async Task Without_a_requester_it_still_receives_every_event_beside_the_by_requester_exchanges()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using (var connection = await ReportSaga.IntegrationTests.BrokerAccess.Amqp.ConnectAsync(isolated.RabbitMqUri))
            await ReportSaga.Service.Messaging.ByRequesterExchanges.DeclareAsync(connection, CancellationToken.None);
        using var log = new CapturedLog();
        await using var everyone = await StartSubscriberAsync(isolated.RabbitMqUri, log);
        var billing = Guid.NewGuid();

        await Publish(everyone, new ReportCompleted { RequestId = billing, ReportId = "r-b", RequestedBy = "billing" }, "billing");

        await log.WaitUntilAsync(e => Of(e, billing).Count >= 1, "the billing event");
        // Once, not twice: the by-requester exchange adds no second copy to the usual binding.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(Of(await log.WaitUntilAsync(_ => true, "the log so far"), billing));
    }

    private static Task Publish<T>(RunningBus bus, T message, string? requestedBy)
        where T : class =>
        bus.Bus.Publish(message, context =>
        {
            if (requestedBy is not null)
                context.Headers.Set(ReportEventRouting.RequestedByHeader, requestedBy);
        });

    private static IReadOnlyList<CapturedEntry> Of(IReadOnlyList<CapturedEntry> entries, Guid requestId) =>
        [.. entries.Where(e => e.Category == ConsumerCategory && e.Message.Contains(requestId.ToString()))];

    private static Task<RunningBus> StartSubscriberAsync(Uri rabbitMqUri, CapturedLog log, string? requestedBy = null) =>
        RunningBus.StartAsync(rabbitMqUri,
            (services, x) =>
            {
                services.AddSingleton<ILoggerProvider>(log);
                x.AddReportSubscriber();
            },
            (context, bus) => bus.ConfigureReportSubscriberEndpoint(context, requestedBy: requestedBy));

    private static async Task<bool> QueueIsDurableAsync(Uri managementUri, string virtualHost, string queue)
    {
        var (user, password) = UriCredentials.Parse(managementUri);
        using var http = new HttpClient { BaseAddress = new UriBuilder(managementUri) { UserName = "", Password = "", Path = "/api/" }.Uri };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
        using var document = JsonDocument.Parse(
            await http.GetStringAsync($"queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}"));
        return document.RootElement.GetProperty("durable").GetBoolean();
    }
}
