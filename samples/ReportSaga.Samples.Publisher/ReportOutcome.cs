using ReportSaga.Contracts;

namespace ReportSaga.Samples.Publisher;

/// <summary>How a report ended: exactly one of <see cref="Completed"/> and <see cref="Failed"/> is set.</summary>
public sealed record ReportOutcome(ReportCompleted? Completed, ReportFailed? Failed)
{
    /// <summary>True when the report completed.</summary>
    public bool Succeeded => Completed is not null;
}
