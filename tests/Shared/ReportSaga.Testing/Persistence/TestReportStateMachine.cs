using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence;

namespace ReportSaga.Testing.Persistence;

/// <summary>A tiny state machine over the real <see cref="ReportState"/> mapping, to exercise the repository.</summary>
public sealed class TestReportStateMachine : MassTransitStateMachine<ReportState>
{
    public TestReportStateMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => Start, e => e.CorrelateById(m => m.Message.ReportRequestId));
        Event(() => Bump, e => e.CorrelateById(m => m.Message.ReportRequestId));
        Event(() => Finish, e => e.CorrelateById(m => m.Message.ReportRequestId));

        Initially(
            When(Start)
                .Then(c =>
                {
                    c.Saga.Report = c.Message.Body;
                    c.Saga.CreatedAt = DateTimeOffset.UtcNow;
                    c.Saga.UpdatedAt = c.Saga.CreatedAt;
                })
                .TransitionTo(Started));

        During(Started,
            // A duplicate start counts, so a test can see that every one reached the single instance.
            When(Start).Then(c => c.Saga.RetryAttempts++),
            When(Bump)
                .ThenAsync(async c =>
                {
                    var injector = c.GetServiceOrCreateInstance<ConflictInjector>();
                    await injector.OnAttemptAsync(c.GetServiceOrCreateInstance<ReportSagaDbContext>(), c.Saga.CorrelationId);
                    c.Saga.PollCount++;
                    c.Saga.UpdatedAt = DateTimeOffset.UtcNow;
                })
                .Publish(c => new TestReportBumped(c.Saga.CorrelationId, c.Saga.PollCount)),
            When(Finish).Finalize());

        SetCompletedWhenFinalized();
    }

    public State Started { get; private set; } = null!;
    public Event<StartTestReport> Start { get; private set; } = null!;
    public Event<BumpTestReport> Bump { get; private set; } = null!;
    public Event<FinishTestReport> Finish { get; private set; } = null!;
}
