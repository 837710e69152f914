using System.Text;
using RabbitMQ.Client;

namespace ReportSaga.IntegrationTests.Persistence.Support;

/// <summary>
/// A destination RabbitMQ refuses, and the fix an operator would make: an exchange declared <c>direct</c> under the name
/// of a queue MassTransit sends to. MassTransit declares that exchange <c>fanout</c>, the broker answers
/// PRECONDITION_FAILED and closes the channel, and MassTransit retries the send until its time limit. Deleting the
/// conflicting exchange lets the next send declare it properly, with its queue.
/// </summary>
internal sealed class ConflictingExchange : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly string _name;

    private ConflictingExchange(IConnection connection, string name)
    {
        _connection = connection;
        _name = name;
    }

    /// <summary>Where to send for the broker to refuse it: <c>queue:name</c>.</summary>
    public Uri Address => new($"queue:{_name}");

    public static async Task<ConflictingExchange> DeclareAsync(Uri rabbitMqUri, string name)
    {
        var connection = await new ConnectionFactory { Uri = rabbitMqUri, ClientProvidedName = "conflicting-exchange" }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(name, ExchangeType.Direct, durable: true);
        return new ConflictingExchange(connection, name);
    }

    /// <summary>Deletes the conflicting exchange (the operator's fix).</summary>
    public async Task RemoveConflictAsync()
    {
        await using var channel = await _connection.CreateChannelAsync();
        await channel.ExchangeDeleteAsync(_name);
    }

    /// <summary>Waits until the queue of that name holds <paramref name="count"/> messages, then takes them (body text).</summary>
    public async Task<IReadOnlyList<(string Body, IDictionary<string, object?> Headers)>> WaitForMessagesAsync(int count)
    {
        var taken = new List<(string, IDictionary<string, object?>)>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (taken.Count < count && DateTime.UtcNow < deadline)
        {
            var message = await TryGetAsync();
            if (message is null)
            {
                await Task.Delay(100);
                continue;
            }
            taken.Add((Encoding.UTF8.GetString(message.Body.Span), message.BasicProperties.Headers ?? new Dictionary<string, object?>()));
        }
        return taken;
    }

    private async Task<BasicGetResult?> TryGetAsync()
    {
        // A channel per look: the broker closes the channel that asked for a queue it does not have.
        await using var channel = await _connection.CreateChannelAsync();
        try
        {
            return await channel.BasicGetAsync(_name, autoAck: true);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            // The queue is not declared yet: the first successful send declares it.
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.CloseAsync();
        _connection.Dispose();
    }
}
