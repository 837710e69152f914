namespace ReportSaga.BatchApi;

/// <summary>The five Batch API calls; used in logs and to choose the HTTP pipeline.</summary>
internal enum BatchApiCall
{
    Validate,
    RequestReport,
    Status,
    Retry,
    Credits,
}
