using MassTransit;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;
using ReportSaga.Service.Hosting;
using ReportSaga.Service.Messaging;
using ReportSaga.Service.OperatorApi;
using ReportSaga.Service.OperatorApi.ErrorQueues;

namespace ReportSaga.Service.Cli;

/// <summary>
/// What the operator verbs work with: the service's own settings (appsettings.json, the environment, and switches after
/// <c>--</c>), its storage (the same report queries the operator API reads), its error queues, and, only for a cancel, a bus
/// of its own on the configured RabbitMQ that publishes and consumes nothing else. Nothing is started but what a verb
/// uses: no migration, no scheduler, no receive endpoint.
/// </summary>
public sealed class OperatorCliHost : IAsyncDisposable
{
    private readonly IHost _host;

    private OperatorCliHost(IHost host, ServiceParts parts)
    {
        _host = host;
        Parts = parts;
    }

    public ServiceParts Parts { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Reads the settings; throws <see cref="InvalidSettingException"/> naming a key that is wrong.</summary>
    public static OperatorCliHost Create(IReadOnlyList<string> settings)
    {
        var builder = Host.CreateApplicationBuilder(settings.ToArray());
        // A verb's output is its answer: logs go to standard error, warnings and worse only.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.KeepOnly(LogLevel.Warning);
        // A failed query is reported once, by the CLI, with the database's message; not again with EF Core's stack trace.
        builder.Services.PostConfigure<LoggerFilterOptions>(options =>
            options.Rules.Add(new LoggerFilterRule(null, "Microsoft.EntityFrameworkCore", LogLevel.None, null)));
        // Reading must not change the schema: migrating is the service's or the migrate verb's job.
        builder.Configuration[StorageSettings.MigrateOnStartupKey] = "false";
        var parts = ServiceParts.From(builder.Configuration, ReportSagaHost.IsProductionRequested(builder));
        var storage = builder.Services.AddReportSagaPersistence(builder.Configuration);
        parts = parts with { StorageDescription = storage.Description };
        builder.Services.AddSingleton(parts);
        builder.Services.AddSingleton(TraceLinks.From(builder.Configuration));
        if (parts.RabbitMq is null)
            builder.Services.AddSingleton<IErrorQueues, InMemoryBusErrorQueues>();
        else
            builder.Services.AddSingleton<IErrorQueues, RabbitMqErrorQueues>();
        if (parts.RabbitMq is { } amqp)
        {
            builder.Services.AddMassTransit(x =>
            {
                x.DisableUsageTelemetry();
                x.UsingRabbitMq((_, cfg) => BusRegistration.ConfigureHost(cfg, amqp));
            });
        }

        return new OperatorCliHost(builder.Build(), parts);
    }

    /// <summary>Starts the publishing bus, runs <paramref name="publish"/> with it, and stops it. Null without RabbitMQ.</summary>
    public async Task<T?> WithBusAsync<T>(Func<IPublishEndpoint, Task<T>> publish, CancellationToken cancellationToken)
        where T : class
    {
        if (Parts.RabbitMq is null)
            return null;
        var bus = _host.Services.GetRequiredService<IBusControl>();
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        starting.CancelAfter(TimeSpan.FromSeconds(30));
        await bus.StartAsync(starting.Token);
        try
        {
            return await publish(bus);
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable disposable)
            await disposable.DisposeAsync();
        else
            _host.Dispose();
    }
}
