namespace ReportSaga.Orchestration.Telemetry;

/// <summary>Values of <c>reportsaga.batch_api.endpoint</c> on Batch API call counts: one per provider call.</summary>
public static class BatchApiEndpoints
{
    public const string Validate = "validate";
    public const string RequestReport = "request_report";
    public const string Status = "status";
    public const string Retry = "retry";
    public const string Credits = "credits";
}
