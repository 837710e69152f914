using System.Text;
using RabbitMQ.Client;

namespace ReportSaga.IntegrationTests.Messaging;

/// <summary>Publishes the way a service in another language would: a bare AMQP client and a plain JSON body.</summary>
public static class PlainJsonPublisher
{
    /// <summary>
    /// Publishes <paramref name="json"/> as <c>application/json</c>, no envelope, no MassTransit header,
    /// and returns once the broker confirmed it was routed (mandatory: an unroutable publish throws).
    /// </summary>
    public static async Task PublishAsync(Uri rabbitMqUri, string exchange, string json)
    {
        var factory = new ConnectionFactory { Uri = rabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

        var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
        await channel.BasicPublishAsync(exchange, routingKey: "", mandatory: true, properties, Encoding.UTF8.GetBytes(json));
    }
}
