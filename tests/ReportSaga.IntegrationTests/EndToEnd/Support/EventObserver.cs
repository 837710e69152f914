using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>
/// A MassTransit bus in the test process on the service's virtual host, as another service would run it: it
/// subscribes to the public events (a durable queue of its own) and publishes requests. Its connection carries the
/// name <see cref="ConnectionName"/>, so a test that cuts the service's broker connections can spare it.
/// </summary>
internal sealed class EventObserver : IAsyncDisposable
{
    public const string ConnectionName = "reportsaga-e2e-observer";
    private const string QueueName = "e2e-observer";

    private readonly ServiceProvider _services;
    private readonly IBusControl _bus;

    private EventObserver(ServiceProvider services, IBusControl bus)
    {
        _services = services;
        _bus = bus;
        Events = services.GetRequiredService<ObservedEvents>();
    }

    public IBus Bus => _bus;

    public ObservedEvents Events { get; }

    public static async Task<EventObserver> StartAsync(Uri rabbitMqUri)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ObservedEvents>();
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.AddConsumer<ObservedEventsConsumer>();
            x.UsingRabbitMq((context, bus) =>
            {
                bus.Host(rabbitMqUri, h => h.ConnectionName(ConnectionName));
                bus.ReceiveEndpoint(QueueName, e => e.ConfigureConsumer<ObservedEventsConsumer>(context));
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

        return new EventObserver(provider, bus);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _bus.StopAsync(stopping.Token);
        }
        finally
        {
            await _services.DisposeAsync();
        }
    }
}
