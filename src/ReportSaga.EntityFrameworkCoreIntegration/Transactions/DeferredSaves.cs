using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ReportSaga.EntityFrameworkCoreIntegration.Transactions;

/// <summary>
/// Saves collected while a consume runs: the consumer's and the saga's <c>SaveChangesAsync</c> calls change nothing in
/// the database, and the outbox writes everything once, at its commit (one batch instead of a round trip per save; on
/// SQLite, no write lock held while the consumer runs). Works on any DbContext whose options carry
/// <see cref="Interceptor"/>.
/// </summary>
internal static class DeferredSaves
{
    private static readonly ConditionalWeakTable<DbContext, object> Deferring = new();
    private static readonly object Deferred = new();

    /// <summary>Added to the DbContext's options by <see cref="DbContextOptionsBuilderExtensions.AddEntityFrameworkCoreIntegration"/>.</summary>
    public static readonly SaveChangesInterceptor Interceptor = new DeferringInterceptor();

    /// <summary>Starts or ends collecting <paramref name="context"/>'s saves.</summary>
    public static void Set(DbContext context, bool defer)
    {
        if (defer)
            Deferring.AddOrUpdate(context, Deferred);
        else
            Deferring.Remove(context);
    }

    /// <summary>Whether <paramref name="context"/>'s saves are being collected.</summary>
    public static bool IsDeferred(DbContext context) => Deferring.TryGetValue(context, out _);

    private sealed class DeferringInterceptor : SaveChangesInterceptor
    {
        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            if (eventData.Context is { } context && IsDeferred(context))
                throw new InvalidOperationException("Synchronous saves are not supported inside the outbox.");
            return result;
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default) =>
            eventData.Context is { } context && IsDeferred(context)
                ? ValueTask.FromResult(InterceptionResult<int>.SuppressWithResult(0))
                : ValueTask.FromResult(result);
    }
}
