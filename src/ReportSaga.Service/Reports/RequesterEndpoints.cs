using ReportSaga.Persistence.Reports;
using ReportSaga.Service.OperatorHttp;

namespace ReportSaga.Service.Reports;

/// <summary>The operators' view of who uses the submission gate: <c>GET /requesters</c>.</summary>
public static class RequesterEndpoints
{
    /// <summary>The most requesters one answer lists (busiest first).</summary>
    public const int MaxRequesters = 500;

    /// <summary>
    /// Maps <c>GET /requesters</c> behind the operator API's key and rate limit: per requester (<c>requestedBy</c>; ""
    /// for requests without one) the submission slots it holds, its reports waiting, the credits charged to it today
    /// (UTC; estimates of reports in flight, used_quota of completed ones) and its daily budget (null: none). Read from
    /// the database: the same on every instance.
    /// </summary>
    public static IEndpointRouteBuilder MapRequesterEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/requesters", async (IRequesterUsageReader reader, CancellationToken cancellationToken) =>
            Results.Ok(new { requesters = await reader.ReadAsync(MaxRequesters, cancellationToken) }))
            .WithName("GetRequesters")
            .RequireRateLimiting(OperatorHttpRegistration.ReportsRateLimitPolicy);
        return endpoints;
    }
}
