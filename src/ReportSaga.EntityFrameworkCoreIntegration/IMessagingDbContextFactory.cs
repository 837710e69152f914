using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;

namespace ReportSaga.EntityFrameworkCoreIntegration;

/// <summary>
/// How the stand-ins reach the application's DbContext (MassTransit's packages take it as a type argument:
/// <c>AddEntityFrameworkOutbox&lt;TDbContext&gt;</c>, <c>ExistingDbContext&lt;TDbContext&gt;</c>). The application
/// implements it once and registers it as a singleton. Its DbContext maps the stand-ins' entities
/// (<see cref="Mapping.ModelBuilderExtensions"/>) and carries their interceptors
/// (<see cref="Transactions.DbContextOptionsBuilderExtensions.AddEntityFrameworkCoreIntegration"/>).
/// </summary>
public interface IMessagingDbContextFactory
{
    /// <summary>The database the contexts talk to.</summary>
    IDatabaseDialect Dialect { get; }

    /// <summary>A new DbContext of its own, outside any message scope (dispatchers, cleanup); the caller disposes it.</summary>
    DbContext CreateDbContext();

    /// <summary>
    /// The message scope's DbContext, shared with the application's own scoped services, so that what they save commits
    /// with the consume. Owned by the scope.
    /// </summary>
    DbContext ScopedDbContext(IServiceProvider scope);
}
