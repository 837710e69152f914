namespace ReportSaga.Orchestration.Submissions;

/// <summary>Decides whether a <c>SubmitReport</c> may reach the provider: the one call that costs credits.</summary>
public interface ISubmissionAuthority
{
    /// <summary>
    /// True only when the report's saga is in <c>Submitting</c> and waits on this very step: the saga enters that state
    /// only with a granted submission slot, and the step token exists only in the saga's row and its own command.
    /// </summary>
    Task<bool> MaySubmitAsync(Guid requestId, Guid stepToken, CancellationToken cancellationToken = default);
}
