using MassTransit;
using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.Testing.Persistence;

/// <summary>A tiny state machine over the real <see cref="SubmissionGateState"/> mapping: the one hot row.</summary>
public sealed class TestGateStateMachine : MassTransitStateMachine<SubmissionGateState>
{
    public TestGateStateMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => Take, e =>
        {
            e.CorrelateById(_ => SubmissionGateState.GateId);
            e.InsertOnInitial = true;
            e.SetSagaFactory(_ => new SubmissionGateState { CorrelationId = SubmissionGateState.GateId });
        });
        Event(() => Leave, e => e.CorrelateById(_ => SubmissionGateState.GateId));

        Initially(When(Take).Then(c => Admit(c.Saga, c.Message.RequestId)).TransitionTo(Open));
        During(Open,
            When(Take).Then(c => Admit(c.Saga, c.Message.RequestId)),
            When(Leave).Then(c =>
            {
                c.Saga.Holders.Remove(c.Message.RequestId);
                if (c.Saga.Waiting.Count > 0)
                {
                    c.Saga.Holders.Add(c.Saga.Waiting[0]);
                    c.Saga.Waiting.RemoveAt(0);
                }
            }));
    }

    public const int Slots = 3;

    public State Open { get; private set; } = null!;
    public Event<TakeTestSlot> Take { get; private set; } = null!;
    public Event<LeaveTestSlot> Leave { get; private set; } = null!;

    private static void Admit(SubmissionGateState gate, Guid requestId)
    {
        if (gate.Holders.Contains(requestId) || gate.Waiting.Contains(requestId))
            return;
        if (gate.Holders.Count < Slots)
            gate.Holders.Add(requestId);
        else
            gate.Waiting.Add(requestId);
    }
}
