using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace ReportSaga.EntityFrameworkCoreIntegration.Sagas;

/// <summary>
/// Registers the EF Core saga repository the way MassTransit's own repositories are registered:
/// <code>
/// x.AddSagaStateMachine&lt;OrderStateMachine, OrderState&gt;().EfCoreRepository();
/// // or inside .Repository(r =&gt; r.UseEfCoreRepository())
/// </code>
/// The saga type must be mapped in the application's DbContext, which an <see cref="IMessagingDbContextFactory"/>
/// registered by the application supplies. With the MassTransit test harness, register it inside the harness's configuration callback.
/// </summary>
public static class EfSagaRepositoryRegistrationExtensions
{
    /// <summary>Stores this saga's instances in the application's DbContext.</summary>
    public static ISagaRegistrationConfigurator<TSaga> EfCoreRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.Repository(repository => repository.UseEfCoreRepository());
        return configurator;
    }

    /// <summary>Stores this saga's instances in the application's DbContext (for use inside <c>.Repository(...)</c>).</summary>
    public static void UseEfCoreRepository<TSaga>(this ISagaRepositoryRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.RegisterLoadSagaRepository<TSaga, EfSagaRepositoryContextFactory<TSaga>>();
        configurator.RegisterQuerySagaRepository<TSaga, EfSagaRepositoryContextFactory<TSaga>>();
        configurator.RegisterSagaRepository<TSaga, DbContext, SagaConsumeContextFactory<DbContext, TSaga>,
            EfSagaRepositoryContextFactory<TSaga>>();
    }
}
