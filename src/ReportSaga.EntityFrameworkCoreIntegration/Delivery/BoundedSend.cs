using MassTransit;
using MassTransit.Serialization;

namespace ReportSaga.EntityFrameworkCoreIntegration.Delivery;

/// <summary>How the outbox deliverer and the scheduler send a stored message: within a hard time limit.</summary>
internal static class BoundedSend
{
    /// <summary>
    /// Sends <paramref name="pipe"/>'s stored message to <paramref name="destination"/>, failing with a timeout after
    /// <paramref name="limit"/>. The limit is applied twice on purpose: as a token, which the send observes, and with
    /// <c>WaitAsync</c>, because parts of a RabbitMQ send do not observe it (a topology declare on a dying channel, a
    /// publisher confirmation lost with the connection) and a background sender must never hang on them.
    /// </summary>
    public static async Task SendAsync(ISendEndpointProvider bus, Uri destination, IPipe<SendContext<SerializedMessageBody>> pipe,
        TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            var endpoint = await bus.GetSendEndpoint(destination).WaitAsync(limit, cancellationToken);
            await endpoint.Send(new SerializedMessageBody(), pipe, timeout.Token).WaitAsync(limit, cancellationToken);
        }
        catch (Exception exception) when ((exception is OperationCanceledException or TimeoutException) && !cancellationToken.IsCancellationRequested)
        {
            // Said plainly for the log and the row's last error: "A task was canceled" tells an operator nothing.
            throw new TimeoutException(
                $"The broker did not take the message within {limit.TotalSeconds:0.#} s: it refused the destination (RabbitMQ " +
                "closes the channel, and MassTransit retries until the limit), or it cannot be reached.", exception);
        }
    }
}
