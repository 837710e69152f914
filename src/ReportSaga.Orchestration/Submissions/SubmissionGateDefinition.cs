using MassTransit;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// The gate is one row that every report touches twice: one message at a time per instance keeps optimistic
/// concurrency conflicts to those between instances.
/// </summary>
public sealed class SubmissionGateDefinition : SagaDefinition<SubmissionGateState>
{
    public SubmissionGateDefinition()
    {
        EndpointName = "submission-gate";
        ConcurrentMessageLimit = 1;
    }
}
