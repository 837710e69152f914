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

    /// <summary>The report has taken the grant (so a lost grant message is not sent again).</summary>
    public bool Claimed { get; set; }
}
