namespace ReportSaga.Orchestration.Reports.History;

/// <summary>
/// One line of a report's story: what happened (<see cref="Event"/>), the state before and after, the provider's status
/// after it, the Batch API call whose answer it was (if any) and what came of it. Written with the state change it
/// describes, in the same transaction.
/// </summary>
public sealed record ReportHistoryEntry
{
    /// <summary>Longest <see cref="Outcome"/> kept; provider error texts beyond it are cut.</summary>
    public const int OutcomeMaxLength = 1000;

    public Guid RequestId { get; init; }
    public DateTimeOffset At { get; init; }

    /// <summary>The state machine's event name (Requested, Estimated, StatusChecked, CancelRequested, …).</summary>
    public string Event { get; init; } = "";

    public string? FromState { get; init; }
    public string ToState { get; init; } = "";
    public string? ProviderStatus { get; init; }

    /// <summary>The Batch API call this event answers (validate, submit, status-check, retry), or null.</summary>
    public string? Call { get; init; }

    public string Outcome { get; init; } = "";
}
