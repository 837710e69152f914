namespace ReportSaga.BatchApi;

/// <summary>
/// The two named HttpClients behind <see cref="BatchApiClient"/>. They differ in their resilience pipeline:
/// idempotent calls are retried, request-report never is (a second submission may be charged twice).
/// </summary>
public static class BatchApiHttpClientNames
{
    /// <summary>validate, status, retry and credits: per-attempt timeout and retries with backoff and jitter.</summary>
    public const string Idempotent = "ReportSaga.BatchApi";

    /// <summary>request-report: a per-attempt timeout and no retry at all.</summary>
    public const string Submission = "ReportSaga.BatchApi.Submission";
}
