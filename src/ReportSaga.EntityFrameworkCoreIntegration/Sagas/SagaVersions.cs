using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

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
        context.ChangeTracker.DetectChanges();
        foreach (var entry in context.ChangeTracker.Entries<ISagaVersion>())
        {
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
