using Microsoft.EntityFrameworkCore;
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
}
