using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Sagas;

/// <summary>
/// Optimistic concurrency for sagas that implement <see cref="ISagaVersion"/>: every saga update writes Version + 1
/// where Version is still the value it loaded; a concurrent writer makes that match no row and EF raises
/// <see cref="DbUpdateConcurrencyException"/>. The version column must be a concurrency token in the model.
/// </summary>
internal static class SagaVersions
{
    /// <summary>Added to the DbContext's options (before <c>DeferredSaves</c>) by <c>AddEntityFrameworkCoreIntegration</c>.</summary>
    public static readonly SaveChangesInterceptor Interceptor = new AdvancingInterceptor();

    private static void Advance(DbContext context)
    {
        // A save the outbox collects writes nothing yet: the version advances once, at the save that writes.
        if (DeferredSaves.IsDeferred(context))
            return;

        // Only the sagas' entries are looked at for changes here (SaveChanges itself then detects the rest once): a
        // whole-context DetectChanges per save was the largest allocation of a consume, after EF's own.
        var tracker = context.ChangeTracker;
        var detecting = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in tracker.Entries<ISagaVersion>())
            {
                entry.DetectChanges();
                switch (entry.State)
                {
                    case EntityState.Added when entry.Entity.Version <= 0:
                        entry.Entity.Version = 1;
                        break;
                    case EntityState.Modified:
                        var version = entry.Property(x => x.Version);
                        // Only once per save: a retried SaveChanges must not skip a number against the original.
                        if (version.CurrentValue == version.OriginalValue)
                            version.CurrentValue = version.OriginalValue + 1;
                        break;
                }
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detecting;
        }
    }

    private sealed class AdvancingInterceptor : SaveChangesInterceptor
    {
        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            if (eventData.Context is { } context)
                Advance(context);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (eventData.Context is { } context)
                Advance(context);
            return ValueTask.FromResult(result);
        }
    }
}
