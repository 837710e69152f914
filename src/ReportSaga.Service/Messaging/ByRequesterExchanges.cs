using RabbitMQ.Client;
using ReportSaga.Contracts;
using ReportSaga.Service.Hosting;

namespace ReportSaga.Service.Messaging;

/// <summary>
/// Declares, beside each public event's exchange, its <c>…by-requester</c> headers exchange and the binding between
/// them (<see cref="ReportEventRouting"/>), so a subscriber in any language can bind a queue that receives only the
/// events whose <c>ReportSaga-RequestedBy</c> header is its own. MassTransit declares message exchanges but has no way
/// to declare an exchange-to-exchange binding from the publishing side, so this opens a connection of its own at
/// start-up, declares (idempotently, with the same properties MassTransit uses for the event exchanges) and closes it.
/// Until the broker answers it tries again; the bus and the usual subscribers do not wait for it.
/// </summary>
public sealed class ByRequesterExchanges(ServiceParts parts, ILogger<ByRequesterExchanges> logger) : BackgroundService
{
    public const string ConnectionName = "reportsaga-by-requester-topology";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Every event exchange and its headers exchange, declared and bound; safe to run any number of times.</summary>
    public static async Task DeclareAsync(IConnection connection, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        foreach (var events in ReportEventRouting.EventExchanges)
        {
            var byRequester = events + ReportEventRouting.ExchangeSuffix;
            // The same properties MassTransit gives a message type's exchange: a differing redeclare would be refused.
            await channel.ExchangeDeclareAsync(events, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.ExchangeDeclareAsync(byRequester, ExchangeType.Headers, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.ExchangeBindAsync(destination: byRequester, source: events, routingKey: "", cancellationToken: cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var amqp = parts.RabbitMq ?? throw new InvalidOperationException("The by-requester exchanges need ConnectionStrings__RabbitMq.");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await Factory(amqp).CreateConnectionAsync(stoppingToken);
                await DeclareAsync(connection, stoppingToken);
                await connection.CloseAsync(stoppingToken);
                logger.LogInformation("Declared the by-requester exchanges of the {Count} public events", ReportEventRouting.EventExchanges.Count);
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The type only: the message of a connection failure can name the login.
                logger.LogWarning("Could not declare the by-requester exchanges yet ({Failure}); trying again in {Delay}", exception.GetType().Name, RetryDelay);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    private static ConnectionFactory Factory(Uri amqp)
    {
        var address = AmqpAddress.Of(amqp);
        var factory = new ConnectionFactory
        {
            HostName = address.Host,
            Port = address.Port,
            VirtualHost = address.VirtualHost,
            ClientProvidedName = ConnectionName,
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = Limit,
            HandshakeContinuationTimeout = Limit,
        };
        if (address.UserName is not null)
            factory.UserName = address.UserName;
        if (address.Password is not null)
            factory.Password = address.Password;
        if (address.UsesTls)
            factory.Ssl = new SslOption { Enabled = true, ServerName = address.Host };
        return factory;
    }
}
