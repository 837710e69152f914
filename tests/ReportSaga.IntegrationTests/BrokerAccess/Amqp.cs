using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ReportSaga.IntegrationTests.BrokerAccess;

/// <summary>A bare AMQP client's view of what the broker lets a user do: each attempt on a channel of its own.</summary>
internal static class Amqp
{
    /// <summary>The reply code of a channel the broker closed because the user lacks the permission.</summary>
    public const ushort AccessRefused = 403;

    public static Task<IConnection> ConnectAsync(Uri uri) =>
        new ConnectionFactory { Uri = uri, ClientProvidedName = "reportsaga-broker-access-test" }.CreateConnectionAsync();

    /// <summary>
    /// Runs <paramref name="operation"/> on a new channel (with publisher confirmations) and returns the reply code
    /// the broker closed that channel with, or null when the broker allowed every step.
    /// </summary>
    public static async Task<ushort?> RefusalAsync(IConnection connection, Func<IChannel, Task> operation)
    {
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        try
        {
            await operation(channel);
            // A refused publish closes the channel without an answer to the publish itself; the next method that
            // waits for one (basic.qos) meets the close.
            await channel.BasicQosAsync(0, 1, false);
            return null;
        }
        catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or PublishException)
        {
            var reason = (e as OperationInterruptedException)?.ShutdownReason ?? channel.CloseReason;
            return reason?.ReplyCode ?? throw new InvalidOperationException($"The attempt failed without a channel close: {e.Message}", e);
        }
        finally
        {
            await channel.DisposeAsync();
        }
    }

    /// <summary>A persistent plain-JSON publish, as the samples make it; confirmed by the broker when allowed.</summary>
    public static async Task PublishAsync(IChannel channel, string exchange, string json, string routingKey = "")
    {
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = Guid.NewGuid().ToString(),
        };
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, Encoding.UTF8.GetBytes(json));
    }

    /// <summary>
    /// Takes messages from <paramref name="queue"/> until one whose body contains <paramref name="text"/> arrives (true)
    /// or <paramref name="limit"/> passes (false); the limit only stops a test whose message never comes. A queue that
    /// does not exist yet (MassTransit declares an _error queue with its first fault) is waited for like a message.
    /// </summary>
    public static async Task<bool> TakeUntilAsync(IConnection connection, string queue, string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        do
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
                {
                    if (Encoding.UTF8.GetString(message.Body.Span).Contains(text, StringComparison.Ordinal))
                        return true;
                }
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        return false;
    }
}
