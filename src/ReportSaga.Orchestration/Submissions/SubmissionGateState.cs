using MassTransit;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// The one instance that counts submitted, unfinished reports across every service instance, so that at
/// most <c>Submission__MaxInFlight</c> are at the provider at once; the rest wait here in arrival order.
/// </summary>
public class SubmissionGateState : SagaStateMachineInstance, ISagaVersion
{
    /// <summary>The gate's fixed id: there is one gate per deployment.</summary>
    public static readonly Guid GateId = new("5f0b1e6c-3a3d-4c1e-9d7a-6a1f3f2f0001");

    public Guid CorrelationId { get; set; }
    public string? CurrentState { get; set; }
    public int Version { get; set; }

    /// <summary>Request ids holding a slot (submitted or being submitted, not finished).</summary>
    public List<Guid> Holders { get; set; } = [];

    /// <summary>Request ids waiting for a slot, oldest first.</summary>
    public List<Guid> Waiting { get; set; } = [];
}
