namespace ReportSaga.Service.Messaging.EndpointWatch;

/// <summary>The broker's own view, asked apart from the bus's connection.</summary>
public interface IBrokerProbe
{
    /// <summary>
    /// How many consumers each of <paramref name="queues"/> has (a queue the broker does not know is left out), or
    /// null when the broker does not answer.
    /// </summary>
    Task<IReadOnlyDictionary<string, uint>?> ConsumerCountsAsync(IReadOnlyCollection<string> queues, CancellationToken cancellationToken);
}
