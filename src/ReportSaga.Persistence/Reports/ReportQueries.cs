using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReportSaga.Persistence.Storage;
using ReportSaga.Orchestration.Reports;

namespace ReportSaga.Persistence.Reports;

/// <summary>The operator console's reads: the report list, one report with its history, counts by state. Read-only.</summary>
public interface IReportQueries
{
    /// <summary>Reports matching <paramref name="filter"/>, newest first, at most <paramref name="limit"/>, after <paramref name="after"/>.</summary>
    Task<ReportPage> ListAsync(ReportFilter filter, ReportCursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>The report with its history, or null when no report has this request id.</summary>
    Task<ReportDetails?> FindAsync(Guid requestId, CancellationToken cancellationToken);

    /// <summary>How many reports are in each state (finished ones until retention removes them).</summary>
    Task<IReadOnlyDictionary<string, long>> CountByStateAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Untracked reads on a context of their own: no transaction, no lock. The list is one statement written by hand, the
/// same on both providers: EF Core cannot compare or order <see cref="DateTimeOffset"/> columns on SQLite, where they are
/// text; every time here is stored in UTC in one fixed format, so that text orders as the times do. Keyset pagination
/// on (created_at, correlation_id) makes every page cost the same, however deep.
/// </summary>
internal sealed class ReportQueries(IReportSagaDbContextFactory factory) : IReportQueries
{
    private const string Columns =
        "correlation_id AS \"RequestId\", current_state AS \"State\", requested_by AS \"RequestedBy\", report_id AS \"ReportId\", " +
        "provider_status AS \"ProviderStatus\", failure_reason AS \"FailureReason\", created_at AS \"CreatedAt\", updated_at AS \"UpdatedAt\"";

    public async Task<ReportPage> ListAsync(ReportFilter filter, ReportCursor? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var sql = new StringBuilder($"SELECT {Columns} FROM report_state WHERE current_state IS NOT NULL");
        var parameters = new List<object>();

        void Where(string condition, params object[] values)
        {
            var text = condition;
            for (var i = 0; i < values.Length; i++)
            {
                text = text.Replace($"@{i}", $"{{{parameters.Count}}}", StringComparison.Ordinal);
                parameters.Add(values[i]);
            }
            sql.Append(" AND ").Append(text);
        }

        if (filter.State is { Length: > 0 } state)
            Where("current_state = @0", state);
        if (filter.RequestedBy is { Length: > 0 } requestedBy)
            Where("requested_by = @0", requestedBy);
        if (filter.FailureReason is { Length: > 0 } reason)
            Where("failure_reason = @0", reason);
        if (filter.CreatedAfter is { } createdAfter)
            Where("created_at >= @0", createdAfter.ToUniversalTime());
        if (filter.CreatedBefore is { } createdBefore)
            Where("created_at < @0", createdBefore.ToUniversalTime());
        if (filter.Search is { Length: > 0 } search)
        {
            if (Guid.TryParse(search, out var requestId))
                Where("correlation_id = @0", requestId);
            else
                Where("report_id = @0", search);
        }
        if (after is not null)
            Where("(created_at < @0 OR (created_at = @0 AND correlation_id < @1))", after.CreatedAt.ToUniversalTime(), after.RequestId);

        sql.Append($" ORDER BY created_at DESC, correlation_id DESC LIMIT {limit + 1}");

        await using var db = factory.CreateDbContext();
        var rows = await db.Database.SqlQueryRaw<ReportSummary>(sql.ToString(), [.. parameters]).ToListAsync(cancellationToken);
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? new ReportCursor(page[^1].CreatedAt, page[^1].RequestId) : null;
        return new ReportPage(page, next);
    }

    public async Task<ReportDetails?> FindAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var report = await db.Reports.AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == requestId, cancellationToken);
        if (report is null)
            return null;

        var history = await db.ReportHistory.AsNoTracking().Where(x => x.RequestId == requestId).OrderBy(x => x.Id)
            .Select(x => new ReportHistoryItem(x.At, x.Event, x.FromState, x.ToState, x.ProviderStatus, x.Call, x.Outcome))
            .ToListAsync(cancellationToken);

        return new ReportDetails
        {
            RequestId = report.CorrelationId,
            State = report.CurrentState ?? ReportStates.Initial,
            RequestedBy = report.RequestedBy,
            ReportId = report.ReportId,
            ProviderStatus = report.ProviderStatus,
            MaxCredits = report.MaxCredits,
            EstimatedCredits = report.EstimatedCredits,
            UsedQuota = report.UsedQuota,
            DataPointsCount = report.DataPointsCount,
            DownloadUrl = report.DownloadUrl,
            RetryAttempts = report.RetryAttempts,
            PollCount = report.PollCount,
            FailureReason = report.FailureReason,
            FailureErrors = report.FailureErrors is null ? [] : JsonSerializer.Deserialize<string[]>(report.FailureErrors) ?? [],
            TraceId = TraceIdOf(report.TraceParent),
            CreatedAt = report.CreatedAt,
            UpdatedAt = report.UpdatedAt,
            SubmittedAt = report.SubmittedAt,
            CompletedAt = report.CompletedAt,
            History = history,
        };
    }

    public async Task<IReadOnlyDictionary<string, long>> CountByStateAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        return await db.Reports.AsNoTracking().Where(x => x.CurrentState != null)
            .GroupBy(x => x.CurrentState!).Select(g => new { State = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(x => x.State, x => x.Count, cancellationToken);
    }

    /// <summary>The trace id of a W3C trace parent (<c>00-{trace id}-{span id}-{flags}</c>), or null.</summary>
    internal static string? TraceIdOf(string? traceParent) =>
        traceParent?.Split('-') is [_, { Length: 32 } traceId, _, _] ? traceId : null;
}
