using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence.Reports;
using ReportSaga.Service.OperatorHttp;

namespace ReportSaga.Service.OperatorApi;

/// <summary>
/// The operator API over reports: the list, one report with its history, counts by state, cancel, and the submission
/// gate. Behind the operator surface's authentication (the fallback policy) and rate limit. Reads come straight from
/// the database, untracked; cancel goes through the bus to the report's saga, so the report ends the way every report
/// ends: one <c>ReportFailed</c>.
/// </summary>
public static class ReportApiEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    private const int MaxFilterLength = 256;
    private static readonly string[] FinishedStates = ["Completed", "Failed"];

    public static IEndpointRouteBuilder MapReportApiEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var reports = endpoints.MapGroup("/reports").WithTags("Reports").RequireRateLimiting(OperatorHttpRegistration.ReportsRateLimitPolicy);

        reports.MapGet("", ListAsync).WithName("ListReports")
            .WithSummary("List reports, newest first")
            .WithDescription("Filters are exact matches (state, requestedBy, failureReason; q is a request id or a provider report id) " +
                "and a creation window (createdAfter inclusive, createdBefore exclusive, ISO 8601). Keyset pagination: pass the " +
                $"answer's next as after. limit 1-{MaxPageSize}, default {DefaultPageSize}.");

        reports.MapGet("/counts", CountsAsync).WithName("CountReportsByState")
            .WithSummary("How many reports are in each state");

        reports.MapGet("/{requestId:guid}/details", DetailsAsync).WithName("GetReportDetails")
            .WithSummary("One report with its whole history and a link to its trace");

        reports.MapPost("/{requestId:guid}/cancel", CancelAsync).WithName("CancelReport")
            .WithSummary("Cancel an unfinished report")
            .WithDescription("Publishes CancelReport to the report's saga: the report ends with ReportFailed reason cancelled. " +
                "A submitted report may still be charged: the provider has no cancel call. 409 when the report has already ended.");

        endpoints.MapGet("/gate", GateAsync).WithTags("Submission gate").WithName("GetSubmissionGate")
            .WithSummary("Reports in flight at the provider, waiting for a slot, and the oldest wait")
            .RequireRateLimiting(OperatorHttpRegistration.ReportsRateLimitPolicy);
        return endpoints;
    }

    private static async Task<Results<Ok<ReportListResponse>, BadRequest<OperatorError>>> ListAsync(
        IReportQueries queries, string? state, string? requestedBy, string? failureReason, string? q,
        DateTimeOffset? createdAfter, DateTimeOffset? createdBefore, string? after, int? limit, CancellationToken cancellationToken)
    {
        if (new[] { state, requestedBy, failureReason, q }.Any(x => x?.Length > MaxFilterLength))
            return TypedResults.BadRequest(new OperatorError($"A filter is longer than {MaxFilterLength} characters."));
        if (limit is < 1 or > MaxPageSize)
            return TypedResults.BadRequest(new OperatorError($"limit must be between 1 and {MaxPageSize}."));
        if (!ReportCursorText.TryDecode(after, out var cursor))
            return TypedResults.BadRequest(new OperatorError("after is not a cursor this API gave out."));

        var filter = new ReportFilter
        {
            State = state, RequestedBy = requestedBy, FailureReason = failureReason, Search = q?.Trim(),
            CreatedAfter = createdAfter, CreatedBefore = createdBefore,
        };
        var page = await queries.ListAsync(filter, cursor, limit ?? DefaultPageSize, cancellationToken);
        return TypedResults.Ok(new ReportListResponse(page.Reports, page.Next is null ? null : ReportCursorText.Encode(page.Next)));
    }

    private static async Task<Ok<ReportCountsResponse>> CountsAsync(IReportQueries queries, CancellationToken cancellationToken)
    {
        var counts = await queries.CountByStateAsync(cancellationToken);
        return TypedResults.Ok(new ReportCountsResponse(counts, counts.Values.Sum()));
    }

    private static async Task<Results<Ok<ReportDetailsResponse>, NotFound<OperatorError>>> DetailsAsync(
        Guid requestId, IReportQueries queries, TraceLinks traces, CancellationToken cancellationToken)
    {
        var report = await queries.FindAsync(requestId, cancellationToken);
        if (report is null)
            return TypedResults.NotFound(new OperatorError("No report with this request id."));

        // The query string of a download URL is the signature that grants access: only bus subscribers get it.
        var shown = report with { DownloadUrl = report.DownloadUrl is null ? null : UrlRedaction.WithoutQuery(report.DownloadUrl) };
        return TypedResults.Ok(new ReportDetailsResponse(shown, traces.UrlOf(report.TraceId)));
    }

    private static async Task<Results<Accepted<CancelAcceptedResponse>, NotFound<OperatorError>, Conflict<OperatorError>>> CancelAsync(
        Guid requestId, IReportStatusReader reader, MassTransit.IPublishEndpoint bus, ILoggerFactory loggers, HttpContext http,
        CancellationToken cancellationToken)
    {
        var status = await reader.FindAsync(requestId, cancellationToken);
        if (status is null)
            return TypedResults.NotFound(new OperatorError("No report with this request id."));
        if (FinishedStates.Contains(status.State))
            return TypedResults.Conflict(new OperatorError($"The report has already ended ({status.State})."));

        // Through the bus to the saga, like any client's CancelReport: the saga decides, in its own transaction, and a
        // report that ends meanwhile ignores it.
        await bus.Publish(new CancelReport { RequestId = requestId }, cancellationToken);
        loggers.CreateLogger(typeof(ReportApiEndpoints)).LogInformation("Operator {Caller} asked to cancel report {RequestId} (state {State})",
            http.User.Identity?.Name ?? "anonymous", requestId, status.State);
        return TypedResults.Accepted($"/reports/{requestId}/details", new CancelAcceptedResponse(requestId, status.State));
    }

    private static async Task<Ok<GateResponse>> GateAsync(ISubmissionGrants gate, IOptions<SubmissionOptions> submission, CancellationToken cancellationToken) =>
        TypedResults.Ok(GateResponse.From(await gate.CountAsync(cancellationToken), submission.Value.MaxInFlight));
}
