using Microsoft.EntityFrameworkCore;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence.Submissions;

/// <summary>
/// The account guard's reading of the remaining credits, shared by every instance through one row
/// (<c>account_credits</c>): an instance that finds it older than the cache time asks the provider (with no
/// transaction open) and writes the answer back, so the instances together ask about once per cache time.
/// </summary>
internal sealed class EfAccountCreditsCache(IReportSagaDbContextFactory factory, AccountCreditsReader reader, TimeProvider time) : IAccountCreditsCache
{
    private readonly SemaphoreSlim _reading = new(1, 1);
    // long.MinValue: nothing read yet (a long is read and written atomically with Interlocked).
    private long _last = long.MinValue;

    public long? Last => Interlocked.Read(ref _last) is var last && last != long.MinValue ? last : null;

    public async Task<long?> GetAsync(TimeSpan maxAge, CancellationToken cancellationToken = default)
    {
        var stored = await ReadStoredAsync(cancellationToken);
        if (stored is not null && time.GetUtcNow().UtcDateTime - stored.ReadAt < maxAge)
            return Remember(stored.RemainingCredits);

        // One reading per instance at a time; the others of this instance wait for it.
        await _reading.WaitAsync(cancellationToken);
        try
        {
            var credits = await reader.ReadAsync(cancellationToken);
            if (credits is null)
                return Remember(stored?.RemainingCredits);
            await using var db = factory.CreateDbContext();
            var now = time.GetUtcNow().UtcDateTime;
            var updated = await db.AccountCredits.Where(x => x.Id == 1)
                .ExecuteUpdateAsync(set => set.SetProperty(x => x.RemainingCredits, credits.Value).SetProperty(x => x.ReadAt, now), cancellationToken);
            if (updated == 0)
            {
                db.AccountCredits.Add(new AccountCreditsReading { RemainingCredits = credits.Value, ReadAt = now });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException exception) when (StorageErrors.IsUniqueViolation(exception))
                {
                    // Another instance wrote its first reading at the same moment: either is fresh.
                }
            }

            return Remember(credits);
        }
        finally
        {
            _reading.Release();
        }
    }

    private async Task<AccountCreditsReading?> ReadStoredAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        return await db.AccountCredits.AsNoTracking().SingleOrDefaultAsync(x => x.Id == 1, cancellationToken);
    }

    private long? Remember(long? credits)
    {
        if (credits is { } value)
            Interlocked.Exchange(ref _last, value);
        return credits;
    }
}
