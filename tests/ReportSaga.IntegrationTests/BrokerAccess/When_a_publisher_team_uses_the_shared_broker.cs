using RabbitMQ.Client;
using ReportSaga.Orchestration.Messaging;
using static ReportSaga.IntegrationTests.BrokerAccess.ShippedBrokerAccess;

namespace ReportSaga.IntegrationTests.BrokerAccess;

/// <summary>
/// Issue #12, item 3: a publishing team's broker user, made by the shipped broker access policy, can start a report
/// and nothing else: it cannot send the service's internal commands, forge its events, read its queues or change them.
/// </summary>
public sealed class When_a_publisher_team_uses_the_shared_broker(BrokerAccessFixture broker) : IClassFixture<BrokerAccessFixture>
{
    private static readonly TimeSpan ArrivalLimit = TimeSpan.FromSeconds(10);

    public static TheoryData<string> ServiceExchanges() =>
        new(ServiceTopology.InternalExchanges().Concat(EventExchanges));

    [Theory]
    [InlineData(Publisher)]
    [InlineData(PlainPublisher)]
    public async Task It_starts_a_report_by_publishing_RequestReport_and_the_service_entry_queue_receives_it(string team)
    {
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(team));
        var requestId = Guid.NewGuid().ToString();
        var body = $$"""{"requestId":"{{requestId}}","report":{"report_name":"broker access"},"maxCredits":10,"requestedBy":"{{team}}"}""";

        var refusal = await Amqp.RefusalAsync(connection, channel => Amqp.PublishAsync(channel, "ReportSaga.Contracts:RequestReport", body));

        Assert.Null(refusal);
        Assert.True(await Amqp.TakeUntilAsync(broker.Service, RequestReportEndpoint.Name, requestId, ArrivalLimit),
            $"the RequestReport {team} published did not reach {RequestReportEndpoint.Name}");
    }

    [Theory]
    [MemberData(nameof(ServiceExchanges))]
    public async Task It_cannot_publish_to_an_internal_exchange_or_forge_an_event(string exchange)
    {
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(Publisher));

        var refusal = await Amqp.RefusalAsync(connection,
            channel => Amqp.PublishAsync(channel, exchange, """{"requestId":"0d9bd8a6-5a4f-4c3e-9f3e-2a1c7b8e9d00","reportId":"forged"}"""));

        Assert.Equal(Amqp.AccessRefused, refusal);
    }

    [Theory]
    [InlineData("", "submit-report")]
    [InlineData("", "report-state")]
    [InlineData("amq.direct", "submit-report")]
    [InlineData("amq.fanout", "")]
    [InlineData("amq.topic", "#")]
    public async Task It_cannot_reach_a_service_queue_through_the_default_or_a_predeclared_exchange(string exchange, string routingKey)
    {
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(Publisher));

        var refusal = await Amqp.RefusalAsync(connection, channel => Amqp.PublishAsync(channel, exchange, "{}", routingKey));

        Assert.Equal(Amqp.AccessRefused, refusal);
    }

    [Theory]
    [InlineData(Publisher)]
    [InlineData(PlainPublisher)]
    public async Task It_cannot_read_change_or_bind_what_the_service_owns(string team)
    {
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(team));
        var own = $"{broker.Access.UserOf(team)}.replies";
        Assert.Null(await Amqp.RefusalAsync(connection, async channel =>
        {
            await channel.ExchangeDeclareAsync(own, ExchangeType.Fanout, durable: false, autoDelete: true);
            await channel.QueueDeclareAsync(own, durable: false, exclusive: false, autoDelete: true);
            await channel.QueueBindAsync(own, own, "");
        }));

        var attempts = new (string What, Func<IChannel, Task> Operation)[]
        {
            ("get from report-requests", c => c.BasicGetAsync(RequestReportEndpoint.Name, autoAck: true)),
            ("consume submit-report_error", c => c.BasicConsumeAsync("submit-report_error", autoAck: true, new NoDeliveriesExpected(c))),
            ("purge report-requests", c => c.QueuePurgeAsync(RequestReportEndpoint.Name)),
            ("delete queue report-state", c => c.QueueDeleteAsync("report-state")),
            ("declare queue submit-report", c => c.QueueDeclareAsync("submit-report", durable: true, exclusive: false, autoDelete: false)),
            ("declare exchange submit-report", c => c.ExchangeDeclareAsync("submit-report", ExchangeType.Fanout, durable: true)),
            ("delete exchange report-state", c => c.ExchangeDeleteAsync("report-state")),
            ("bind its queue to report-state", c => c.QueueBindAsync(own, "report-state", "")),
            ("bind its queue to the RequestReport exchange (others' requests)", c => c.QueueBindAsync(own, "ReportSaga.Contracts:RequestReport", "")),
            ("bind its queue to ReportCompleted (a subscriber's right)", c => c.QueueBindAsync(own, "ReportSaga.Contracts:ReportCompleted", "")),
            ("bind submit-report to its exchange", c => c.ExchangeBindAsync("submit-report", own, "")),
            ("declare a server-named queue", c => c.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)),
            ("declare a queue of another team", c => c.QueueDeclareAsync($"{broker.Access.UserOf(Subscriber)}.events", false, false, true)),
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
    public async Task A_plain_client_cannot_declare_or_delete_the_public_exchange_but_can_check_that_it_exists()
    {
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(PlainPublisher));

        Assert.Null(await Amqp.RefusalAsync(connection, c => c.ExchangeDeclarePassiveAsync("ReportSaga.Contracts:RequestReport")));
        Assert.Equal(Amqp.AccessRefused, await Amqp.RefusalAsync(connection,
            c => c.ExchangeDeclareAsync("ReportSaga.Contracts:RequestReport", ExchangeType.Fanout, durable: true)));
        Assert.Equal(Amqp.AccessRefused, await Amqp.RefusalAsync(connection, c => c.ExchangeDeleteAsync("ReportSaga.Contracts:RequestReport")));
    }

    [Fact]
    public async Task A_MassTransit_client_may_declare_the_public_exchanges_it_publishes_to_as_MassTransit_does()
    {
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(Publisher));

        foreach (var exchange in InputExchanges)
        {
            Assert.Null(await Amqp.RefusalAsync(connection, c => c.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true)));
        }

        Assert.Equal(Amqp.AccessRefused, await Amqp.RefusalAsync(connection,
            c => c.ExchangeDeclareAsync("ReportSaga.Contracts:ReportCompleted", ExchangeType.Fanout, durable: true)));
    }

    /// <summary>A consumer that never gets a message: the consume is refused before any delivery.</summary>
    private sealed class NoDeliveriesExpected(IChannel channel) : AsyncDefaultBasicConsumer(channel);
}
