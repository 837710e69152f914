namespace ReportSaga.Orchestration.Commands;

/// <summary>
/// A message of one step between the saga and a consumer: the command the saga sends and the answer it gets back carry
/// the same <see cref="StepToken"/>. The saga keeps the token of the step it waits on (<c>ReportState.StepToken</c>)
/// and acts only on an answer that returns it, so a late answer, a duplicate, or one written by anybody else changes
/// nothing. The token is random, never published, and lives only on the service's own queues and in its database.
/// </summary>
public interface IStepMessage
{
    /// <summary>The report's request id.</summary>
    Guid RequestId { get; }

    /// <summary>The step this message belongs to.</summary>
    Guid StepToken { get; }
}
