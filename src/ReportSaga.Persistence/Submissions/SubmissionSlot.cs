namespace ReportSaga.Persistence.Submissions;

/// <summary>
/// A report's entry at the submission gate, from its validation until its end. Waiting while <see cref="GrantedAt"/>
/// is null; holding a slot once granted; deleted when the report ends, which frees the slot.
/// </summary>
public sealed class SubmissionSlot
{
    public Guid RequestId { get; set; }

    /// <summary>Its place in line (UTC); ties go to the smaller request id.</summary>
    public DateTime QueuedAt { get; set; }

    /// <summary>When the gate granted it a slot (UTC), or null while it waits.</summary>
    public DateTime? GrantedAt { get; set; }

    /// <summary>The report's W3C trace parent: its grant is sent under it, in the report's own trace.</summary>
    public string? TraceParent { get; set; }

    /// <summary>The report's saga has taken the grant or refusal it was told of (so a lost message is not sent again).</summary>
    public bool Claimed { get; set; }

    /// <summary>
    /// The step token the report waits on while queued: granted, the gate's worker sends <c>SubmitReport</c> under it.
    /// Null for an entry an earlier version queued (its saga is told of the grant instead).
    /// </summary>
    public Guid? StepToken { get; set; }

    /// <summary>Who asked (<c>requestedBy</c>; "" for none): fair share is between these.</summary>
    public string RequestedBy { get; set; } = "";

    /// <summary>0 low, 1 normal, 2 high: a higher priority is granted first.</summary>
    public short Priority { get; set; } = 1;

    /// <summary>The provider's estimate: charged to the requester's day when granted, and set against the account's credits while held.</summary>
    public long EstimatedCredits { get; set; }

    /// <summary>Set instead of a grant (with <see cref="GrantedAt"/>) when the requester's daily budget cannot pay: why.</summary>
    public string? Refusal { get; set; }

    /// <summary>When the account guard first held it for credits (UTC); its report was told then, once.</summary>
    public DateTime? HeldAt { get; set; }
}
