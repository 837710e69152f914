using ReportSaga.BatchApi;
using ReportSaga.Persistence.Reports;
using ReportSaga.Service.OperatorHttp;

namespace ReportSaga.Service.Reports;

/// <summary>The operators' view of one report: <c>GET /reports/{requestId}</c>.</summary>
public static class ReportEndpoints
{
    /// <summary>
    /// Maps the report API behind the operator API's authentication (the fallback policy) and its rate limit. The
    /// status is read from the saga's row, not asked of the saga over the bus: a read writes nothing and takes no
    /// consumer slot. Bus clients keep <c>GetReportStatus</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/reports/{requestId:guid}", async (Guid requestId, IReportStatusReader reader, CancellationToken cancellationToken) =>
        {
            var status = await reader.FindAsync(requestId, cancellationToken);
            if (status is null)
                return Results.NotFound(new { requestId, error = "No report with this request id." });

            // The query string of a download URL is the signature that grants access: only bus subscribers get it.
            return Results.Ok(status with { DownloadUrl = status.DownloadUrl is null ? null : UrlRedaction.WithoutQuery(status.DownloadUrl) });
        })
        .WithName("GetReport")
        .RequireRateLimiting(OperatorHttpRegistration.ReportsRateLimitPolicy);
        return endpoints;
    }
}
