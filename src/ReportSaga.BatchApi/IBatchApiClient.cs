using System.Text.Json;

namespace ReportSaga.BatchApi;

/// <summary>
/// The Similarweb Batch API, one method per call. Expected outcomes (invalid, rate limited,
/// unauthorized, transient, unknown) come back as <see cref="BatchApiResult{T}"/> values, never as exceptions.
/// </summary>
public interface IBatchApiClient
{
    /// <summary>POST request-validate: estimated credits and warnings, or the provider's errors. Idempotent.</summary>
    Task<BatchApiResult<ValidationResult>> ValidateAsync(JsonElement report, CancellationToken cancellationToken = default);

    /// <summary>
    /// POST request-report: submits the report (costs credits). Not idempotent, so never retried once the
    /// request may have reached the provider; such a failure is <see cref="BatchApiOutcome.OutcomeUnknown"/>.
    /// </summary>
    Task<BatchApiResult<SubmissionResult>> RequestReportAsync(JsonElement report, CancellationToken cancellationToken = default);

    /// <summary>GET request-status/{reportId}. Idempotent.</summary>
    Task<BatchApiResult<ReportStatusResult>> GetStatusAsync(string reportId, CancellationToken cancellationToken = default);

    /// <summary>POST retry-report/{reportId}: re-runs a report that ended in internal_error, at no extra charge.</summary>
    Task<BatchApiResult<RetryResult>> RetryAsync(string reportId, CancellationToken cancellationToken = default);

    /// <summary>GET credits: the key's remaining credits. Idempotent.</summary>
    Task<BatchApiResult<CreditsResult>> GetRemainingCreditsAsync(CancellationToken cancellationToken = default);
}
