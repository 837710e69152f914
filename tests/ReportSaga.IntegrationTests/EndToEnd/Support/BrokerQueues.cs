using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>A queue as an AMQP client sees it: exact message and consumer counts (passive declare), and its messages (basic.get).</summary>
internal sealed class BrokerQueues : IAsyncDisposable
{
    private readonly IConnection _connection;

    private BrokerQueues(IConnection connection) => _connection = connection;

    public static async Task<BrokerQueues> ConnectAsync(Uri rabbitMqUri) =>
        new(await new ConnectionFactory { Uri = rabbitMqUri, ClientProvidedName = "reportsaga-e2e-queue-probe" }.CreateConnectionAsync());

    /// <summary>Ready messages and consumers of <paramref name="queue"/>, or null when it does not exist.</summary>
    public async Task<(uint Messages, uint Consumers)?> CountsAsync(string queue)
    {
        await using var channel = await _connection.CreateChannelAsync();
        try
        {
            var declared = await channel.QueueDeclarePassiveAsync(queue);
            return (declared.MessageCount, declared.ConsumerCount);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    /// <summary>Waits until <paramref name="queue"/> holds at least <paramref name="count"/> messages; returns what it holds then (or at the limit).</summary>
    public async Task<uint> WaitForMessagesAsync(string queue, uint count, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var messages = (await CountsAsync(queue))?.Messages ?? 0;
            if (messages >= count || DateTime.UtcNow > deadline)
                return messages;
            await Task.Delay(250);
        }
    }

    /// <summary>Takes every ready message of <paramref name="queue"/> off it: body text and headers (string values decoded).</summary>
    public async Task<IReadOnlyList<(string Body, IReadOnlyDictionary<string, string> Headers)>> TakeAllAsync(string queue)
    {
        await using var channel = await _connection.CreateChannelAsync();
        var taken = new List<(string, IReadOnlyDictionary<string, string>)>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            var headers = (message.BasicProperties.Headers ?? new Dictionary<string, object?>())
                .ToDictionary(h => h.Key, h => h.Value switch
                {
                    byte[] bytes => Encoding.UTF8.GetString(bytes),
                    null => "",
                    var other => other.ToString() ?? "",
                });
            taken.Add((Encoding.UTF8.GetString(message.Body.Span), headers));
        }

        return taken;
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.CloseAsync();
        _connection.Dispose();
    }
}
