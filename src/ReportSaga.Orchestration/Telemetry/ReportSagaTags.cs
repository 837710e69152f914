namespace ReportSaga.Orchestration.Telemetry;

/// <summary>
/// Names of span attributes and metric tags. Span attributes carry one report's identity (high cardinality,
/// never on metrics); metric tags carry only small closed sets of values so time series stay few.
/// </summary>
public static class ReportSagaTags
{
    // Span attributes (one report).
    /// <summary>The saga's correlation id, the caller's idempotency key.</summary>
    public const string RequestId = "reportsaga.request_id";

    /// <summary>The provider's report id, once submitted.</summary>
    public const string ReportId = "reportsaga.report_id";

    /// <summary>The provider's last status (pending, processing, completed, retry, bad_request, internal_error).</summary>
    public const string ProviderStatus = "reportsaga.provider_status";

    /// <summary>Credits request-validate estimated.</summary>
    public const string EstimatedCredits = "reportsaga.estimated_credits";

    /// <summary>Credits the provider charged (used_quota).</summary>
    public const string UsedQuota = "reportsaga.used_quota";

    /// <summary>Why a report failed (a ReportFailureReasons value).</summary>
    public const string Reason = "reportsaga.reason";

    // Metric tags (closed sets of values).
    /// <summary><see cref="ReportOutcomes"/>: completed or failed.</summary>
    public const string Outcome = "outcome";

    /// <summary>The failure reason on finished reports; "none" for completed ones.</summary>
    public const string MetricReason = "reason";

    /// <summary><see cref="BatchApiEndpoints"/>: which provider call.</summary>
    public const string Endpoint = "endpoint";

    /// <summary>A saga state name (reports by state).</summary>
    public const string State = "state";
}
