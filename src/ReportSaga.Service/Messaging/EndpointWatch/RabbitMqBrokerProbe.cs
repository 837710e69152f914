using RabbitMQ.Client;
using ReportSaga.Service.Hosting;

namespace ReportSaga.Service.Messaging.EndpointWatch;

/// <summary>
/// Opens a connection of its own to the broker the bus uses (same address, login and virtual host), reads the
/// consumer count of each queue asked for (passive declares), and closes it again. It says whether the broker answers
/// and whether a queue the bus calls consumed has a consumer; the bus cannot, since a wedged bus may not even ask for
/// a connection, nor notice that an endpoint's channel is gone.
/// </summary>
public sealed class RabbitMqBrokerProbe(ServiceParts parts, ILogger<RabbitMqBrokerProbe> logger) : IBrokerProbe
{
    public const string ConnectionName = "reportsaga-watchdog-probe";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public async Task<IReadOnlyDictionary<string, uint>?> ConsumerCountsAsync(IReadOnlyCollection<string> queues, CancellationToken cancellationToken)
    {
        var amqp = parts.RabbitMq ?? throw new InvalidOperationException("The broker probe needs ConnectionStrings__RabbitMq.");
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

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            await using var connection = await factory.CreateConnectionAsync(timeout.Token);
            var counts = new Dictionary<string, uint>(StringComparer.Ordinal);
            foreach (var queue in queues)
            {
                // A channel per queue: a passive declare of a queue the broker does not know closes its channel.
                await using var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token);
                try
                {
                    counts[queue] = (await channel.QueueDeclarePassiveAsync(queue, timeout.Token)).ConsumerCount;
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
                {
                    // Not declared (yet): nothing to say about it.
                }
            }

            await connection.CloseAsync(timeout.Token);
            return counts;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The type only: the message of a connection failure can name the login.
            logger.LogInformation("The broker did not answer the watchdog's probe ({Failure})", exception.GetType().Name);
            return null;
        }
    }
}
