using MassTransit;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Options;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// Caps the reports at the provider at <c>Submission__MaxInFlight</c> across every service instance. It is one saga
/// instance (<see cref="SubmissionGateState.GateId"/>) in the shared saga store, so the cap holds however many
/// instances run; waiting reports are granted a slot in arrival order as others finish. Requests and releases are
/// idempotent, so a redelivered message never takes or frees a second slot.
/// </summary>
public sealed class SubmissionGateStateMachine : MassTransitStateMachine<SubmissionGateState>
{
    public SubmissionGateStateMachine(IOptions<SubmissionOptions> options)
    {
        var maxInFlight = options.Value.MaxInFlight;

        InstanceState(x => x.CurrentState);

        Event(() => SlotRequested, x => x.CorrelateById(_ => SubmissionGateState.GateId));
        Event(() => SlotReleased, x => x.CorrelateById(_ => SubmissionGateState.GateId));

        Initially(
            When(SlotRequested)
                .ThenAsync(context => Request(context, context.Message.RequestId, maxInFlight))
                .TransitionTo(Open),
            When(SlotReleased)
                .TransitionTo(Open));

        During(Open,
            When(SlotRequested)
                .ThenAsync(context => Request(context, context.Message.RequestId, maxInFlight)),
            When(SlotReleased)
                .ThenAsync(context => Release(context, context.Message.RequestId, maxInFlight)));
    }

    public State Open { get; private set; } = null!;

    public Event<RequestSubmissionSlot> SlotRequested { get; private set; } = null!;
    public Event<ReleaseSubmissionSlot> SlotReleased { get; private set; } = null!;

    private static Task Request(BehaviorContext<SubmissionGateState> context, Guid requestId, int maxInFlight)
    {
        var gate = context.Saga;
        if (gate.Holders.Contains(requestId))
            return Grant(context, requestId); // a redelivered request: the grant may have been lost, say it again
        if (gate.Waiting.Contains(requestId))
            return Task.CompletedTask;
        if (gate.Holders.Count < maxInFlight && gate.Waiting.Count == 0)
        {
            gate.Holders.Add(requestId);
            return Grant(context, requestId);
        }

        gate.Waiting.Add(requestId);
        return Task.CompletedTask;
    }

    private static async Task Release(BehaviorContext<SubmissionGateState> context, Guid requestId, int maxInFlight)
    {
        var gate = context.Saga;
        gate.Holders.Remove(requestId);
        gate.Waiting.Remove(requestId);

        while (gate.Holders.Count < maxInFlight && gate.Waiting.Count > 0)
        {
            var next = gate.Waiting[0];
            gate.Waiting.RemoveAt(0);
            gate.Holders.Add(next);
            await Grant(context, next);
        }
    }

    private static Task Grant(BehaviorContext<SubmissionGateState> context, Guid requestId) =>
        context.Publish(new SubmissionSlotGranted { RequestId = requestId });
}
