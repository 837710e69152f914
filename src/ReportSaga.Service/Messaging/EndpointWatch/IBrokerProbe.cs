namespace ReportSaga.Service.Messaging.EndpointWatch;

/// <summary>Whether the broker answers this process right now, asked apart from the bus's own connection.</summary>
public interface IBrokerProbe
{
    Task<bool> AnswersAsync(CancellationToken cancellationToken);
}
