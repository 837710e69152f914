using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence;
using ReportSaga.EntityFrameworkCoreIntegration.Sagas;
using ReportSaga.Persistence.Storage;
using ReportSaga.Service.Messaging;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// A MassTransit test harness over a real database with the EF saga repository, on the in-memory transport unless a
/// <see cref="TestTransport"/> is given (the integration tests give the real RabbitMQ), with the service's message retry.
/// </summary>
public sealed class PersistenceTestHost : IAsyncDisposable
{
    private PersistenceTestHost(ServiceProvider provider)
    {
        Provider = provider;
        Harness = provider.GetRequiredService<ITestHarness>();
    }

    public ServiceProvider Provider { get; }
    public ITestHarness Harness { get; }
    public ConflictInjector Conflicts => Provider.GetRequiredService<ConflictInjector>();

    public static async Task<PersistenceTestHost> StartAsync(StorageSettings settings,
        Action<IBusRegistrationConfigurator>? configureBus = null,
        Action<IServiceCollection>? configureServices = null,
        Action<IBusRegistrationContext, IBusFactoryConfigurator>? configureTransport = null,
        TestTransport? transport = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => { if (Environment.GetEnvironmentVariable("REPORTSAGA_TEST_LOG") == "1") b.AddSimpleConsole(); b.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning); });
        services.AddReportSagaPersistence(settings);
        services.AddSingleton<ConflictInjector>();
        configureServices?.Invoke(services);
        services.AddMassTransitTestHarness(x =>
        {
            x.DisableUsageTelemetry();
            x.AddSagaStateMachine<TestReportStateMachine, ReportState>().EfCoreRepository();
            // The service's own message retry, on every endpoint, before any outbox a test adds; a test's simulated
            // failure reaches the test at once (it plays the redelivery itself).
            x.AddConfigureEndpointsCallback((_, _, endpoint) => endpoint.UseReportSagaMessageRetry(SimulatedFailures.Match));
            configureBus?.Invoke(x);
            (transport ?? TestTransport.InMemory).Use(x, (context, cfg) =>
            {
                cfg.ConcurrentMessageLimit = 16;
                configureTransport?.Invoke(context, cfg);
            });
        });

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await ReportSagaDatabase.MigrateAsync(provider);
        var host = new PersistenceTestHost(provider);
        await host.Harness.Start();
        return host;
    }

    public async Task<T> QueryAsync<T>(Func<ReportSagaDbContext, Task<T>> query)
    {
        await using var scope = Provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
        return await query(db);
    }

    public Task<ReportState?> FindReportAsync(Guid id) =>
        QueryAsync(db => db.Reports.AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == id));

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await Provider.DisposeAsync();
    }
}
