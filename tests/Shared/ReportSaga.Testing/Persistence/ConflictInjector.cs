using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using ReportSaga.Persistence;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// Plays a concurrent writer: on the first attempt for an id, moves the row's version on through the saga's own
/// connection and transaction (so nothing blocks), exactly as if another instance had committed between this
/// attempt's load and its save. The saga's update then matches no row and must be retried.
/// </summary>
public sealed class ConflictInjector
{
    private readonly ConcurrentDictionary<Guid, int> _attempts = new();

    public bool Enabled { get; set; }

    public int AttemptsFor(Guid id) => _attempts.GetValueOrDefault(id);

    public async Task OnAttemptAsync(ReportSagaDbContext db, Guid id)
    {
        var attempt = _attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
        if (Enabled && attempt == 1)
            await db.Database.ExecuteSqlRawAsync("UPDATE report_state SET version = version + 1 WHERE correlation_id = {0}", id);
    }
}
