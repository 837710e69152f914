using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ReportSaga.EntityFrameworkCoreIntegration.Telemetry;

namespace ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

/// <summary>
/// The durable message scheduler (what MassTransit.Quartz would do), on the application's database (<see cref="IMessagingDbContextFactory"/>):
/// <code>
/// services.AddMassTransit(x =&gt;
/// {
///     x.AddDurableMessageScheduler();                   // consumer on queue "report-scheduler" + dispatcher
///     x.UsingRabbitMq((context, cfg) =&gt;
///     {
///         cfg.UseDurableMessageScheduler(context);     // = cfg.UseMessageScheduler(new Uri("queue:report-scheduler"))
///         cfg.ConfigureEndpoints(context);
///     });
/// });
/// </code>
/// A saga's <c>Schedule</c>/<c>Unschedule</c> then work unchanged. The queue is bound to nothing but its own exchange:
/// schedule commands must be sent to its address, never published (a published one reaches no queue of this service). Outside a consumer, <c>x.AddMessageScheduler(new
/// Uri("queue:report-scheduler"))</c> registers an <c>IMessageScheduler</c> that sends to the same queue.
/// </summary>
public static class DurableSchedulerRegistrationExtensions
{
    /// <summary>Registers the scheduler's consumer (endpoint <see cref="DurableSchedulerOptions.QueueName"/>) and its dispatcher.</summary>
    public static IBusRegistrationConfigurator AddDurableMessageScheduler(this IBusRegistrationConfigurator configurator,
        Action<DurableSchedulerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configurator);

        var options = new DurableSchedulerOptions();
        configure?.Invoke(options);
        options.RetryPolicy.Validated(nameof(DurableSchedulerOptions) + ".");

        configurator.AddOptions<DurableSchedulerOptions>().Configure(o => configure?.Invoke(o));
        configurator.TryAddSingleton(TimeProvider.System);
        configurator.TryAddSingleton<SchedulerWakeup>();
        configurator.TryAddSingleton<ScheduledMessageStore>();
        configurator.AddMetrics();
        configurator.TryAddSingleton<PersistenceTelemetry>();
        configurator.TryAddSingleton<ScheduledMessageDispatcher>();
        configurator.AddSingleton<IHostedService>(provider => provider.GetRequiredService<ScheduledMessageDispatcher>());

        configurator.AddConsumer<DurableScheduleConsumer>()
            .Endpoint(endpoint =>
            {
                endpoint.Name = options.QueueName;
                // Only this service's own schedule commands, sent straight to this queue (UseMessageScheduler with its
                // address). With the consume topology on, MassTransit binds the queue to the broker-wide
                // MassTransit.Scheduling:ScheduleMessage and CancelScheduledMessage exchanges, and every other
                // application's schedule commands land here too.
                endpoint.ConfigureConsumeTopology = false;
            });
        return configurator;
    }

    /// <summary>Points every consumer's and saga's <c>Schedule</c> at the durable scheduler's queue.</summary>
    public static void UseDurableMessageScheduler(this IBusFactoryConfigurator configurator, IBusRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);
        var options = context.GetRequiredService<IOptions<DurableSchedulerOptions>>().Value;
        configurator.UseMessageScheduler(options.Address);
    }
}
