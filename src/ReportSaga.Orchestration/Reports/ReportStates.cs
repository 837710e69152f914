namespace ReportSaga.Orchestration.Reports;

/// <summary>
/// The report saga's states by name, as stored in <c>report_state.current_state</c>, and the groups of them that the
/// machine, the gauges, retention and the operator API use: defined here once. MassTransit names a state after its
/// property on <see cref="ReportStateMachine"/>, so the names are taken from those properties.
/// </summary>
public static class ReportStates
{
    /// <summary>MassTransit's name for a report whose first event has not been handled yet (no state stored).</summary>
    public const string Initial = "Initial";

    public const string Validating = nameof(ReportStateMachine.Validating);
    public const string Queued = nameof(ReportStateMachine.Queued);
    public const string Submitting = nameof(ReportStateMachine.Submitting);
    public const string Waiting = nameof(ReportStateMachine.Waiting);
    public const string Retrying = nameof(ReportStateMachine.Retrying);
    public const string Completed = nameof(ReportStateMachine.Completed);
    public const string Failed = nameof(ReportStateMachine.Failed);

    /// <summary>A report that has not ended yet, in the order of its life (the gauge reports them in this order).</summary>
    public static readonly IReadOnlyList<string> Unfinished = [Validating, Queued, Submitting, Waiting, Retrying];

    /// <summary>A report that holds a submission slot or waits in line for one: it has an entry in the gate.</summary>
    public static readonly IReadOnlyList<string> InGate = [Queued, Submitting, Waiting, Retrying];

    /// <summary>A report that has ended; its row stays until retention removes it.</summary>
    public static readonly IReadOnlyList<string> Finished = [Completed, Failed];
}
