using System.Text.Json;
using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Messaging;
using ReportSaga.Samples.Publisher;

namespace ReportSaga.IntegrationTests.Samples;

/// <summary>The .NET publisher sample's bus code (samples/ReportSaga.Samples.Publisher) against a real broker.</summary>
public sealed class When_the_publisher_sample_publishes_a_RequestReport(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task ReportSagas_entry_endpoint_receives_it_intact()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await EntryEndpoint.StartAsync(isolated.RabbitMqUri);
        var request = SamplePublisher.CreateRequest(ExampleReport.Parse(), maxCredits: 5000, requestedBy: "marketing-analytics");

        await SamplePublisher.PublishAsync(bus.Bus, request);

        var received = await EntryEndpoint.DrainAsync(bus);
        var arrived = Assert.Single(received);
        Assert.Equal("application/vnd.masstransit+json", arrived.ContentType);
        Assert.Equal(request.RequestId, arrived.Message.RequestId);
        Assert.NotEqual(Guid.Empty, arrived.Message.RequestId);
        Assert.Equal(5000, arrived.Message.MaxCredits);
        Assert.Equal("marketing-analytics", arrived.Message.RequestedBy);
        Assert.True(JsonElement.DeepEquals(ExampleReport.Parse(), arrived.Message.Report!.Value));
        Assert.Equal("traffic_and_engagement",
            arrived.Message.Report.Value.GetProperty("report_query").GetProperty("tables")[0].GetProperty("vtable").GetString());
    }

    [Fact]
    public void Each_request_gets_its_own_request_id()
    {
        var first = SamplePublisher.CreateRequest(ExampleReport.Parse());
        var second = SamplePublisher.CreateRequest(ExampleReport.Parse());

        Assert.NotEqual(first.RequestId, second.RequestId);
    }

    [Fact]
    public void A_report_body_that_is_not_a_JSON_object_is_refused_before_publishing()
    {
        using var array = JsonDocument.Parse("[1, 2]");

        Assert.Throws<ArgumentException>(() => SamplePublisher.CreateRequest(array.RootElement));
    }

    [Fact]
    public async Task Publishing_fails_when_no_queue_is_bound_to_the_RequestReport_exchange()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        // A bus with no receive endpoint: nothing is bound, as when ReportSaga never ran on this virtual host.
        await using var bus = await RunningBus.StartAsync(isolated.RabbitMqUri, (_, _) => { }, (_, _) => { });
        var request = SamplePublisher.CreateRequest(ExampleReport.Parse());

        await Assert.ThrowsAsync<MessageReturnedException>(() => SamplePublisher.PublishAsync(bus.Bus, request));
    }

    [Fact]
    public async Task The_waiter_returns_the_ReportCompleted_of_its_own_report()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await RunningBus.StartAsync(isolated.RabbitMqUri, (_, _) => { }, (_, _) => { });
        var requestId = Guid.NewGuid();
        await using var waiter = await ReportOutcomeWaiter.StartAsync(bus.Bus, requestId);

        // Another report's events come first: every subscriber sees every report's events.
        await bus.Bus.Publish(new ReportFailed { RequestId = Guid.NewGuid(), Reason = ReportFailureReasons.Invalid });
        await bus.Bus.Publish(new ReportCompleted { RequestId = Guid.NewGuid(), ReportId = "other" });
        await bus.Bus.Publish(new ReportCompleted
        {
            RequestId = requestId, ReportId = "845d6440-79d1-4125-964e-eaef0d6923e5",
            DownloadUrl = "https://downloads.example/r.csv?X-Signature=secret", DataPointsCount = 1779429, UsedQuota = 35589,
        });

        var outcome = await waiter.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(outcome.Succeeded);
        Assert.Null(outcome.Failed);
        Assert.Equal(requestId, outcome.Completed!.RequestId);
        Assert.Equal("845d6440-79d1-4125-964e-eaef0d6923e5", outcome.Completed.ReportId);
        Assert.Equal(35589, outcome.Completed.UsedQuota);
    }

    [Fact]
    public async Task The_waiter_returns_the_ReportFailed_of_its_own_report()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await RunningBus.StartAsync(isolated.RabbitMqUri, (_, _) => { }, (_, _) => { });
        var requestId = Guid.NewGuid();
        await using var waiter = await ReportOutcomeWaiter.StartAsync(bus.Bus, requestId);

        await bus.Bus.Publish(new ReportCompleted { RequestId = Guid.NewGuid(), ReportId = "other" });
        await bus.Bus.Publish(new ReportFailed
        {
            RequestId = requestId, Reason = ReportFailureReasons.CreditBudgetExceeded, Errors = ["estimated 7200 credits, above maxCredits 5000"],
        });

        var outcome = await waiter.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(outcome.Succeeded);
        Assert.Equal(requestId, outcome.Failed!.RequestId);
        Assert.Equal(ReportFailureReasons.CreditBudgetExceeded, outcome.Failed.Reason);
        Assert.Equal(["estimated 7200 credits, above maxCredits 5000"], outcome.Failed.Errors);
    }

    [Fact]
    public async Task The_waiter_gives_up_with_a_TimeoutException_when_no_outcome_arrives()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await RunningBus.StartAsync(isolated.RabbitMqUri, (_, _) => { }, (_, _) => { });
        await using var waiter = await ReportOutcomeWaiter.StartAsync(bus.Bus, Guid.NewGuid());

        await Assert.ThrowsAsync<TimeoutException>(() => waiter.WaitAsync(TimeSpan.FromMilliseconds(200)));
    }
}
