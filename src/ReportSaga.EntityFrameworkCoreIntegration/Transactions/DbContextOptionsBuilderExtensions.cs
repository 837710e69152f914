using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using ReportSaga.EntityFrameworkCoreIntegration.Sagas;

namespace ReportSaga.EntityFrameworkCoreIntegration.Transactions;

/// <summary>What the stand-ins need on the application's DbContext options.</summary>
public static class DbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Adds the save interceptors: saga versions advanced on every save (optimistic concurrency for
    /// <c>ISagaVersion</c> sagas), then the outbox's collected saves (a consume's saves written once, at its commit).
    /// </summary>
    public static DbContextOptionsBuilder AddEntityFrameworkCoreIntegration(this DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddInterceptors(SagaVersions.Interceptor, DeferredSaves.Interceptor);
    }

    /// <summary>
    /// Fails with a message saying what to do when <paramref name="context"/>'s options lack the interceptors: without
    /// them a consume's saves would go to the database as it runs, and saga versions would not advance.
    /// </summary>
    internal static void EnsureAdded(DbContext context)
    {
        var interceptors = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors ?? [];
        if (!interceptors.Contains(SagaVersions.Interceptor) || !interceptors.Contains(DeferredSaves.Interceptor))
            throw new InvalidOperationException(
                $"{context.GetType().Name}'s options lack the MassTransit stand-ins' interceptors: call AddEntityFrameworkCoreIntegration() on its DbContextOptionsBuilder.");
    }
}
