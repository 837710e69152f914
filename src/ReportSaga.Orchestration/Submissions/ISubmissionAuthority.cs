using System.Text.Json;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>Decides whether a <c>SubmitReport</c> may reach the provider: the one call that costs credits.</summary>
public interface ISubmissionAuthority
{
    /// <summary>
    /// The report's request body to submit, read from its saga, when the saga waits on this very step with a granted
    /// submission slot: queued, with the step token the gate's worker submits under, and its entry granted; or in
    /// <c>Submitting</c> (resubmitting after a deferred call), which it enters only with a granted slot. The step token
    /// exists only in the saga's row, its gate entry and the command. Null when the command may not submit.
    /// </summary>
    Task<JsonElement?> ApprovedReportAsync(Guid requestId, Guid stepToken, CancellationToken cancellationToken = default);
}
