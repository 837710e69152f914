using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using ReportSaga.Service.Hosting;
using ReportSaga.Service.Messaging;

namespace ReportSaga.Service.OperatorApi.ErrorQueues;

/// <summary>
/// The error queues on RabbitMQ over plain AMQP, on a short connection of its own (no management API or plugin needed,
/// and the same login as the bus). Reading takes messages with <c>basic.get</c> unacknowledged and hands them straight
/// back (<c>basic.nack</c> with requeue), which keeps their place. A redrive publishes a copy of the message to its
/// source queue through the default exchange, with publisher confirms and <c>mandatory</c>, and acknowledges the original
/// only once the broker confirmed the copy: a failed publish leaves the original where it was. The copy keeps the
/// message id and every header but the fault ones, so if the acknowledgement itself is lost (a connection cut between
/// the confirm and the ack) the second copy is dropped as a duplicate by the consumer's inbox.
/// </summary>
public sealed class RabbitMqErrorQueues(ServiceParts parts, ILogger<RabbitMqErrorQueues> logger) : IErrorQueues
{
    public const string ConnectionName = "reportsaga-operator-console";

    /// <summary>How many messages a redrive of one message looks through for it.</summary>
    public const int ScanLimit = 5000;

    private const int MaxFaultTextLength = 500;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    // One redrive at a time per instance; instances take different messages anyway (basic.get hands each out once).
    private readonly SemaphoreSlim _redrive = new(1, 1);

    public string? Unavailable => null;

    public async Task<IReadOnlyList<ErrorQueueView>> ListAsync(int peek, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var views = new List<ErrorQueueView>();
        foreach (var queue in ServiceErrorQueueNames.ErrorQueues)
        {
            // A channel per queue: a passive declare of a queue the broker does not know closes its channel.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            uint depth;
            try
            {
                depth = (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                continue; // Nothing has failed there yet: MassTransit declares an error queue on its first fault.
            }

            var messages = new List<ErrorMessageView>();
            ulong lastTag = 0;
            while (messages.Count < Math.Min(peek, depth) && await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } message)
            {
                messages.Add(Describe(message));
                lastTag = message.DeliveryTag;
            }
            if (lastTag > 0)
                await channel.BasicNackAsync(lastTag, multiple: true, requeue: true, cancellationToken);
            views.Add(new ErrorQueueView(queue, ServiceErrorQueueNames.SourceOf(queue), depth, messages));
        }

        await connection.CloseAsync(cancellationToken);
        return views;
    }

    public async Task<RedriveResult> RedriveAsync(string errorQueue, string? messageId, int limit, CancellationToken cancellationToken)
    {
        var source = ServiceErrorQueueNames.SourceOf(errorQueue);
        await _redrive.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await ConnectAsync(cancellationToken);
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            uint depth;
            try
            {
                depth = (await channel.QueueDeclarePassiveAsync(errorQueue, cancellationToken)).MessageCount;
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                // Never declared: nothing has failed there yet.
                return new RedriveResult(errorQueue, 0, 0, messageId is null ? null : $"{errorQueue} holds no messages.");
            }

            var moved = 0;
            ulong lastHeld = 0;
            var found = messageId is null;
            try
            {
                // Only what was there when asked: a redriven message that fails again lands behind them and waits.
                var budget = messageId is null ? Math.Min((uint)limit, depth) : Math.Min((uint)ScanLimit, depth);
                for (var taken = 0u; taken < budget; taken++)
                {
                    if (await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is not { } message)
                        break;
                    if (messageId is not null && message.BasicProperties.MessageId != messageId)
                    {
                        lastHeld = message.DeliveryTag; // held until the scan ends, then handed back in place
                        continue;
                    }

                    await channel.BasicPublishAsync("", source, mandatory: true, WithoutFaultHeaders(message.BasicProperties),
                        message.Body.ToArray(), cancellationToken);
                    await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
                    moved++;
                    logger.LogInformation("Redrove message {MessageId} from {ErrorQueue} to {Queue}", message.BasicProperties.MessageId, errorQueue, source);
                    if (messageId is not null)
                    {
                        found = true;
                        break;
                    }
                }
            }
            finally
            {
                if (lastHeld > 0 && channel.IsOpen)
                    await channel.BasicNackAsync(lastHeld, multiple: true, requeue: true, CancellationToken.None);
            }

            var remaining = (await channel.QueueDeclarePassiveAsync(errorQueue, cancellationToken)).MessageCount;
            await connection.CloseAsync(cancellationToken);
            return new RedriveResult(errorQueue, moved, remaining, found ? null : $"No message {messageId} among the first {ScanLimit} of {errorQueue}.");
        }
        finally
        {
            _redrive.Release();
        }
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var amqp = parts.RabbitMq ?? throw new InvalidOperationException("The error queues need ConnectionStrings__RabbitMq.");
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
        return await factory.CreateConnectionAsync(cancellationToken);
    }

    private static BasicProperties WithoutFaultHeaders(IReadOnlyBasicProperties original)
    {
        var copy = new BasicProperties(original);
        if (original.Headers is { } headers)
            copy.Headers = headers.Where(x => !IsFaultHeader(x.Key)).ToDictionary(x => x.Key, x => x.Value);
        return copy;
    }

    private static bool IsFaultHeader(string name) =>
        name.StartsWith("MT-Fault-", StringComparison.OrdinalIgnoreCase) || name.Equals("MT-Reason", StringComparison.OrdinalIgnoreCase);

    private static ErrorMessageView Describe(BasicGetResult message)
    {
        var headers = message.BasicProperties.Headers;
        return new ErrorMessageView(
            message.BasicProperties.MessageId,
            MessageTypeOf(message.Body.Span),
            Cut(Header(headers, "MT-Fault-Message") ?? Header(headers, "MT-Reason")),
            Header(headers, "MT-Fault-ExceptionType"),
            Header(headers, "MT-Fault-Timestamp"));
    }

    private static string? Header(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value)
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => value.ToString() }
            : null;

    private static string? Cut(string? text) => text is { Length: > MaxFaultTextLength } ? text[..MaxFaultTextLength] + "…" : text;

    /// <summary>The first of a MassTransit envelope's <c>messageType</c> URNs; null for a plain body or one that is not JSON.</summary>
    private static string? MessageTypeOf(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("messageType"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.String)
                    return reader.GetString();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
