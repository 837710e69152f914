namespace ReportSaga.Contracts;

/// <summary>The values of <see cref="ReportFailed.Reason"/>.</summary>
public static class ReportFailureReasons
{
    /// <summary>The provider's validation said the report is invalid, or the request itself is malformed; never submitted.</summary>
    public const string Invalid = "invalid";

    /// <summary>
    /// The estimated credits are above <see cref="RequestReport.MaxCredits"/>, or above what the requester's daily credit
    /// budget has left today (the error names the budget); never submitted.
    /// </summary>
    public const string CreditBudgetExceeded = "credit_budget_exceeded";

    /// <summary>The provider refused the report (HTTP 400 on submit, or status bad_request).</summary>
    public const string BadRequest = "bad_request";

    /// <summary>internal_error persisted after the configured number of retries.</summary>
    public const string RetriesExhausted = "retries_exhausted";

    /// <summary>The provider refused the API key (401/403).</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The submit call's outcome is unknown; not resubmitted, since that may charge twice.</summary>
    public const string SubmissionUncertain = "submission_uncertain";

    /// <summary>The report did not finish by its deadline: the request's own <see cref="RequestReport.Deadline"/>, else the service's limit.</summary>
    public const string DeadlineExceeded = "deadline_exceeded";

    /// <summary>A <see cref="CancelReport"/> arrived first.</summary>
    public const string Cancelled = "cancelled";
}
