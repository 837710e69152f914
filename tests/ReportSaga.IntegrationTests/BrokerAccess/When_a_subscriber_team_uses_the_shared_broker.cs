using RabbitMQ.Client;
using ReportSaga.Orchestration.Messaging;
using static ReportSaga.IntegrationTests.BrokerAccess.ShippedBrokerAccess;

namespace ReportSaga.IntegrationTests.BrokerAccess;

/// <summary>
/// Issue #12, item 3: a subscribing team's broker user, made by the shipped broker access policy, can bind queues of its
/// own to the public event exchanges and read them, and nothing else: it cannot listen to requests or internal traffic,
/// nor publish anything the service would take.
/// </summary>
public sealed class When_a_subscriber_team_uses_the_shared_broker(BrokerAccessFixture broker) : IClassFixture<BrokerAccessFixture>
{
    private static readonly TimeSpan ArrivalLimit = TimeSpan.FromSeconds(10);

    public static TheoryData<string> ExchangesItMayNotListenTo() =>
        new(ServiceTopology.InternalExchanges().Concat(InputExchanges));

    public static TheoryData<string> ExchangesItMayNotPublishTo() =>
        new(ServiceTopology.InternalExchanges().Concat(InputExchanges).Concat(EventExchanges));

    [Theory]
    [InlineData(Subscriber)]
    [InlineData(PlainSubscriber)]
    public async Task It_binds_a_queue_of_its_own_to_the_event_exchanges_and_receives_the_service_events(string team)
    {
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(team));
        var queue = $"{broker.Access.UserOf(team)}.report-events";
        Assert.Null(await Amqp.RefusalAsync(connection, async channel =>
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            foreach (var exchange in EventExchanges)
                await channel.QueueBindAsync(queue, exchange, "");
        }));

        var requestId = Guid.NewGuid().ToString();
        await using (var channel = await broker.Service.CreateChannelAsync(new CreateChannelOptions(true, true)))
            await Amqp.PublishAsync(channel, "ReportSaga.Contracts:ReportCompleted", $$"""{"requestId":"{{requestId}}","reportId":"r-1"}""");

        Assert.True(await Amqp.TakeUntilAsync(connection, queue, requestId, ArrivalLimit), $"{team} did not receive the ReportCompleted");
    }

    [Theory]
    [MemberData(nameof(ExchangesItMayNotListenTo))]
    public async Task It_cannot_bind_its_queue_to_requests_or_internal_traffic(string exchange)
    {
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(Subscriber));
        var queue = $"{broker.Access.UserOf(Subscriber)}.listening";
        Assert.Null(await Amqp.RefusalAsync(connection, c => c.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true)));

        var refusal = await Amqp.RefusalAsync(connection, c => c.QueueBindAsync(queue, exchange, ""));

        Assert.Equal(Amqp.AccessRefused, refusal);
    }

    [Theory]
    [MemberData(nameof(ExchangesItMayNotPublishTo))]
    public async Task It_cannot_publish_to_any_exchange_of_the_service(string exchange)
    {
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(Subscriber));

        var refusal = await Amqp.RefusalAsync(connection,
            channel => Amqp.PublishAsync(channel, exchange, """{"requestId":"0d9bd8a6-5a4f-4c3e-9f3e-2a1c7b8e9d00","reportId":"forged"}"""));

        Assert.Equal(Amqp.AccessRefused, refusal);
    }

    [Theory]
    [InlineData(Subscriber)]
    [InlineData(PlainSubscriber)]
    public async Task It_cannot_make_or_read_queues_outside_its_own_names(string team)
    {
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(team));
        var otherTeam = team == Subscriber ? PlainSubscriber : Subscriber;
        var attempts = new (string What, Func<IChannel, Task> Operation)[]
        {
            ("declare a queue without its prefix", c => c.QueueDeclareAsync("report-events", durable: true, exclusive: false, autoDelete: false)),
            ("declare a server-named queue", c => c.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)),
            ("declare a queue of another team", c => c.QueueDeclareAsync($"{broker.Access.UserOf(otherTeam)}.report-events", false, false, true)),
            ("get from report-requests_error", c => c.BasicGetAsync($"{RequestReportEndpoint.Name}_error", autoAck: false)),
            ("get from report-state", c => c.BasicGetAsync("report-state", autoAck: false)),
            ("declare exchange ReportSaga.Contracts:RequestReport", c => c.ExchangeDeclareAsync("ReportSaga.Contracts:RequestReport", ExchangeType.Fanout, durable: true)),
        };

        var allowed = new List<string>();
        foreach (var (what, operation) in attempts)
        {
            var refusal = await Amqp.RefusalAsync(connection, operation);
            if (refusal != Amqp.AccessRefused)
                allowed.Add($"{what}: {(refusal is null ? "allowed" : $"closed with {refusal}")}");
        }

        Assert.True(allowed.Count == 0, $"{team} was not refused: {string.Join("; ", allowed)}");
    }

    [Fact]
    public async Task A_plain_client_cannot_declare_or_delete_an_event_exchange()
    {
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(PlainSubscriber));

        Assert.Equal(Amqp.AccessRefused, await Amqp.RefusalAsync(connection,
            c => c.ExchangeDeclareAsync("ReportSaga.Contracts:ReportCompleted", ExchangeType.Fanout, durable: true)));
        Assert.Equal(Amqp.AccessRefused, await Amqp.RefusalAsync(connection, c => c.ExchangeDeleteAsync("ReportSaga.Contracts:ReportCompleted")));
    }
}
