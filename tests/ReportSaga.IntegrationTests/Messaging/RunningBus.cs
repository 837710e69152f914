using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace ReportSaga.IntegrationTests.Messaging;

/// <summary>A started MassTransit bus on a real RabbitMQ virtual host, stopped on dispose.</summary>
public sealed class RunningBus : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IBusControl _bus;

    private RunningBus(ServiceProvider services, IBusControl bus)
    {
        _services = services;
        _bus = bus;
    }

    public IBus Bus => _bus;

    public TService Get<TService>() where TService : notnull => _services.GetRequiredService<TService>();

    /// <summary>
    /// Starts a bus on <paramref name="rabbitMqUri"/>: <paramref name="register"/> adds consumers and
    /// services, <paramref name="configure"/> declares receive endpoints.
    /// </summary>
    public static async Task<RunningBus> StartAsync(Uri rabbitMqUri,
        Action<IServiceCollection, IBusRegistrationConfigurator> register,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMassTransit(x =>
        {
            // Nothing outside this machine is reachable, and nobody should be phoned.
            x.DisableUsageTelemetry();
            register(services, x);
            x.UsingRabbitMq((context, bus) =>
            {
                bus.Host(rabbitMqUri);
                configure(context, bus);
            });
        });

        var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        try
        {
            using var starting = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await bus.StartAsync(starting.Token);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }

        return new RunningBus(provider, bus);
    }

    public async ValueTask DisposeAsync()
    {
        await _bus.StopAsync();
        await _services.DisposeAsync();
    }
}
