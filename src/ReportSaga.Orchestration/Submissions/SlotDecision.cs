namespace ReportSaga.Orchestration.Submissions;

/// <summary>What the gate decided for a report, as its own entry records it.</summary>
public enum SlotDecisionKind
{
    /// <summary>Nothing yet: it waits (or has no entry).</summary>
    None,

    /// <summary>It holds a submission slot and may submit.</summary>
    Granted,

    /// <summary>Its estimate does not fit what its requester's daily budget has left: it ends with credit_budget_exceeded.</summary>
    Refused,
}

/// <summary>The gate's decision for one report; <see cref="Reason"/> says which budget refused it.</summary>
public sealed record SlotDecision(SlotDecisionKind Kind, string? Reason = null)
{
    public static SlotDecision None { get; } = new(SlotDecisionKind.None);
    public static SlotDecision Granted { get; } = new(SlotDecisionKind.Granted);
}
