using MassTransit;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;

namespace ReportSaga.Service.Reports;

/// <summary>The operators' view of one report: <c>GET /reports/{requestId}</c>.</summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/reports/{requestId:guid}", async (Guid requestId, IRequestClient<GetReportStatus> client, CancellationToken cancellationToken) =>
        {
            var response = await client.GetResponse<ReportStatus, ReportNotFound>(new GetReportStatus { RequestId = requestId }, cancellationToken);
            if (!response.Is(out Response<ReportStatus>? found))
                return Results.NotFound(new { requestId, error = "No report with this request id." });

            // The query string of a download URL is the signature that grants access: only bus subscribers get it.
            var status = found.Message;
            return Results.Ok(status with { DownloadUrl = status.DownloadUrl is null ? null : UrlRedaction.WithoutQuery(status.DownloadUrl) });
        })
        .WithName("GetReport");
        return endpoints;
    }
}
