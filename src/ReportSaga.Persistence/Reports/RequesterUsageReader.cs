using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Telemetry;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence.Reports;

/// <summary>Per requester: submission slots held, reports waiting, credits charged today (UTC) and the daily budget.</summary>
public interface IRequesterUsageReader
{
    /// <summary>
    /// Every requester with a report at the gate or a charge today, busiest first (slots held, then waiting), at most
    /// <paramref name="limit"/> of them.
    /// </summary>
    Task<IReadOnlyList<RequesterUsage>> ReadAsync(int limit, CancellationToken cancellationToken);
}

/// <summary>
/// Two grouped, untracked queries on a context of their own (no transaction, no lock): the gate's entries by
/// requester and today's charges by requester. The first reads every waiting entry's requester, so it costs in
/// proportion to the line (milliseconds for ten thousand); it serves operators and the metrics refresh, never a report.
/// </summary>
internal sealed class RequesterUsageReader(IReportSagaDbContextFactory factory, IOptions<CreditsOptions> credits, TimeProvider time) : IRequesterUsageReader
{
    public async Task<IReadOnlyList<RequesterUsage>> ReadAsync(int limit, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var gate = await db.SubmissionSlots.AsNoTracking().Where(x => x.Refusal == null)
            .GroupBy(x => x.RequestedBy)
            .Select(g => new { RequestedBy = g.Key, InFlight = g.LongCount(x => x.GrantedAt != null), Waiting = g.LongCount(x => x.GrantedAt == null) })
            .ToListAsync(cancellationToken);
        var spent = await db.CreditCharges.AsNoTracking().Where(x => x.Day == today)
            .GroupBy(x => x.RequestedBy).Select(g => new { RequestedBy = g.Key, Credits = g.Sum(x => x.Credits) })
            .ToDictionaryAsync(x => x.RequestedBy, x => x.Credits, StringComparer.Ordinal, cancellationToken);

        var options = credits.Value;
        var atGate = gate.ToDictionary(x => x.RequestedBy, StringComparer.Ordinal);
        return atGate.Keys.Union(spent.Keys, StringComparer.Ordinal)
            .Select(name => new RequesterUsage(
                name,
                atGate.TryGetValue(name, out var g) ? g.InFlight : 0,
                atGate.TryGetValue(name, out var w) ? w.Waiting : 0,
                spent.GetValueOrDefault(name),
                options.DailyBudgets.TryGetValue(name, out var own) ? own : options.DefaultDailyBudget))
            .OrderByDescending(x => x.InFlight).ThenByDescending(x => x.Waiting).ThenBy(x => x.RequestedBy, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
    }
}
