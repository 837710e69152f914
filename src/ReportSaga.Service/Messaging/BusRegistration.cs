using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.EntityFrameworkCoreIntegration.Sagas;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.Orchestration.Options;
using ReportSaga.Service.Defaults;
using ReportSaga.Service.Hosting;
using ReportSaga.Service.Messaging.EndpointWatch;

namespace ReportSaga.Service.Messaging;

/// <summary>The bus: RabbitMQ when <c>ConnectionStrings__RabbitMq</c> is set, otherwise the embedded in-memory transport.</summary>
public static class BusRegistration
{
    public static IServiceCollection AddReportSagaBus(
        this IServiceCollection services, IConfiguration configuration, ServiceParts parts, Action<IBusRegistrationConfigurator>? configureBus = null)
    {
        services.AddOptions<RabbitMqOptions>().BindSettings(configuration.GetSection(RabbitMqOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RabbitMqOptions>, RabbitMqOptionsValidator>());
        // Read now as well: the transport is configured from it while the host is built.
        var rabbitMqOptions = configuration.GetSection(RabbitMqOptions.SectionName).ReadSettings(new RabbitMqOptionsValidator());
        if (parts.RabbitMq is not null)
            services.AddStuckEndpointWatchdog();
        // The headers exchanges that let a subscriber take only its own requester's events.
        if (parts.RabbitMq is not null)
            services.AddHostedService<ByRequesterExchanges>();
        // How the scheduler and the outbox send what they stored: bound from their sections, checked at start-up.
        // Only the documented keys: the options also hold the stand-ins' own switches (queue name, dispatcher and outbox
        // on or off), which are not settings of this service.
        services.AddOptions<DurableSchedulerOptions>().BindSettings(configuration.GetSection(StoredMessageSending.SchedulerSection),
            StoredMessageSending.SchedulerKeys);
        services.AddOptions<ReportSagaOutboxOptions>().BindSettings(configuration.GetSection(StoredMessageSending.OutboxSection),
            StoredMessageSending.OutboxKeys);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DurableSchedulerOptions>, DurableSchedulerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReportSagaOutboxOptions>, ReportSagaOutboxOptionsValidator>());

        services.AddMassTransit(x =>
        {
            // MassTransit 8.4+ reports usage to its vendor by default; users of this service expect no phone-home.
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            x.AddReportSaga(report => report.EfCoreRepository());
            // Scheduled polls and deadlines live in the database, not in a broker plugin or in memory, so they
            // survive restarts and fire once across instances.
            x.AddDurableMessageScheduler();
            configureBus?.Invoke(x);

            // The transactional outbox and inbox on the saga's and the scheduler's queues: what the saga publishes,
            // sends or schedules is stored with its state change and delivered after the commit; a redelivered message
            // is not consumed twice. Retry sits outside it, so a failed attempt's messages are discarded and concurrency
            // conflicts on the saga store are retried against fresh state.
            // The request entry and the Batch API consumers store nothing in their consume: they run with no database
            // transaction (a slow provider holds no connection, transaction or row lock) and their answer leaves when
            // they finish, through MassTransit's in-memory outbox, with an id the saga's inbox recognises on a repeat
            // (ReportSagaQueues.AnswersOnly). That saves each of them an inbox row, an outbox row and two transactions.
            x.AddReportSagaOutbox(o => o.ApplyToAllEndpoints = false);
            x.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                endpoint.UseReportSagaMessageRetry();
                if (ReportSagaQueues.AnswersOnly(name))
                    endpoint.UseInMemoryOutbox(context);
                else
                    endpoint.UseReportSagaOutbox(context);
            });

            if (parts.RabbitMq is { } amqp)
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    ConfigureHost(cfg, amqp);
                    cfg.PrefetchCount = rabbitMqOptions.PrefetchCount;
                    cfg.ConcurrentMessageLimit = rabbitMqOptions.ConcurrentMessageLimit;
                    if (rabbitMqOptions.QuorumQueues)
                        cfg.SetQuorumQueue();
                    cfg.UseDurableMessageScheduler(context);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.UseDurableMessageScheduler(context);
                    cfg.ConfigureEndpoints(context);
                });
            }
        });
        return services;
    }

    /// <summary>Watches the receive endpoints for one that stopped consuming for good (see <see cref="StuckEndpointWatchdog"/>).</summary>
    private static void AddStuckEndpointWatchdog(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ReceiveEndpointActivity>();
        services.AddSingleton<IBrokerProbe, RabbitMqBrokerProbe>();
        services.AddReceiveEndpointObserver<ReceiveEndpointActivityObserver>();
        services.AddHostedService<StuckEndpointWatchdog>();
        services.AddHealthChecks().AddCheck<ReceiveEndpointsHealthCheck>("receive-endpoints", tags: [HealthEndpoints.LiveTag]);
    }

    internal static void ConfigureHost(IRabbitMqBusFactoryConfigurator cfg, Uri amqp)
    {
        var address = AmqpAddress.Of(amqp);
        cfg.Host(address.Host, (ushort)address.Port, address.VirtualHost, h =>
        {
            if (address.UserName is not null)
                h.Username(address.UserName);
            if (address.Password is not null)
                h.Password(address.Password);
            if (address.UsesTls)
                h.UseSsl(s => s.Protocol = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        });
    }
}
