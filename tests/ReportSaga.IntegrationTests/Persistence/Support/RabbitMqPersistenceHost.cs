using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;
using ReportSaga.Service.Messaging;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence.Support;

/// <summary>A bus on the real RabbitMQ (the test class's virtual host) over the real PostgreSQL, with every hosted service running and the service's message retry.</summary>
internal sealed class RabbitMqPersistenceHost : IAsyncDisposable
{
    private readonly List<IHostedService> _started = [];

    private RabbitMqPersistenceHost(ServiceProvider provider) => Provider = provider;

    public ServiceProvider Provider { get; }
    public IBus Bus => Provider.GetRequiredService<IBus>();

    public static async Task<RabbitMqPersistenceHost> StartAsync(Uri rabbitMqUri, string postgresConnectionString,
        Action<IBusRegistrationConfigurator> configureBus,
        Action<IServiceCollection>? configureServices = null,
        Action<IBusRegistrationContext, IBusFactoryConfigurator>? configureTransport = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            if (Environment.GetEnvironmentVariable("REPORTSAGA_TEST_LOG") == "1")
                b.AddSimpleConsole().AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        });
        services.AddReportSagaPersistence(StorageSettings.ForPostgres(postgresConnectionString));
        configureServices?.Invoke(services);
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            // The service's own message retry, on every endpoint, before any outbox a test adds; a test's simulated
            // failure reaches the test at once (it plays the redelivery itself).
            x.AddConfigureEndpointsCallback((_, _, endpoint) => endpoint.UseReportSagaMessageRetry(SimulatedFailures.Match));
            configureBus(x);
            new RabbitMqTestTransport(rabbitMqUri).Use(x, (context, cfg) => configureTransport?.Invoke(context, cfg));
        });

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var host = new RabbitMqPersistenceHost(provider);
        foreach (var service in provider.GetServices<IHostedService>())
        {
            if (service is IHostedLifecycleService lifecycle)
                await lifecycle.StartingAsync(CancellationToken.None);
            await service.StartAsync(CancellationToken.None);
            host._started.Add(service);
        }
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
            await _started[i].StopAsync(CancellationToken.None);
        await Provider.DisposeAsync();
    }
}
