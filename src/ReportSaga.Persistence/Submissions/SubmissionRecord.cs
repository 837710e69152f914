namespace ReportSaga.Persistence.Submissions;

/// <summary>The ledger's row for one request: whether a request-report call is under way, done, or unknown.</summary>
public sealed class SubmissionRecord
{
    public Guid RequestId { get; set; }
    public SubmissionRecordState State { get; set; }

    /// <summary>The provider's report id once <see cref="SubmissionRecordState.Submitted"/>.</summary>
    public string? ReportId { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>The states of a <see cref="SubmissionRecord"/>, stored by name.</summary>
public enum SubmissionRecordState
{
    /// <summary>Claimed: a call may be in flight (or crashed mid-call).</summary>
    InProgress,

    /// <summary>The call certainly created nothing; the next claim may call again.</summary>
    Released,

    /// <summary>The provider accepted it.</summary>
    Submitted,

    /// <summary>The outcome is unknown for good.</summary>
    Uncertain,
}
