using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;

namespace ReportSaga.Persistence.Sagas;

/// <summary>
/// Registers the EF Core saga repository the way MassTransit's own repositories are registered:
/// <code>
/// x.AddSagaStateMachine&lt;ReportStateMachine, ReportState&gt;().EfCoreRepository();
/// // or inside .Repository(r =&gt; r.UseEfCoreRepository())
/// </code>
/// The saga type must be mapped in <see cref="ReportSagaDbContext"/>, and <c>AddReportSagaPersistence</c> must be
/// called. With the MassTransit test harness, register it inside the harness's configuration callback.
/// </summary>
public static class EfSagaRepositoryRegistrationExtensions
{
    /// <summary>Stores this saga's instances in <see cref="ReportSagaDbContext"/>.</summary>
    public static ISagaRegistrationConfigurator<TSaga> EfCoreRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.Repository(repository => repository.UseEfCoreRepository());
        return configurator;
    }

    /// <summary>Stores this saga's instances in <see cref="ReportSagaDbContext"/> (for use inside <c>.Repository(...)</c>).</summary>
    public static void UseEfCoreRepository<TSaga>(this ISagaRepositoryRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.RegisterLoadSagaRepository<TSaga, EfSagaRepositoryContextFactory<TSaga>>();
        configurator.RegisterQuerySagaRepository<TSaga, EfSagaRepositoryContextFactory<TSaga>>();
        configurator.RegisterSagaRepository<TSaga, ReportSagaDbContext, SagaConsumeContextFactory<ReportSagaDbContext, TSaga>,
            EfSagaRepositoryContextFactory<TSaga>>();
    }
}
