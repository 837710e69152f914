using MassTransit;
using MassTransit.Configuration;
using MassTransit.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;
using ReportSaga.EntityFrameworkCoreIntegration.Telemetry;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>
/// The transactional outbox and inbox (what MassTransit.EntityFrameworkCore would give) on the application's DbContext:
/// <code>
/// services.AddReportSagaPersistence(configuration);
/// services.AddMassTransit(x =&gt;
/// {
///     x.AddReportSagaOutbox();          // + the outbox on every ConfigureEndpoints endpoint
///     ...
/// });
/// </code>
/// With <see cref="ReportSagaOutboxOptions.ApplyToAllEndpoints"/> off, call <c>e.UseReportSagaOutbox(context)</c> per
/// endpoint. Message retry is the application's to configure on each endpoint, before the outbox (MassTransit does
/// not retry a <c>DbUpdateConcurrencyException</c> by itself): outside the outbox, each attempt starts with a fresh
/// scope and a failed attempt's messages are discarded with its transaction. Inject nothing that sends on your own
/// (<c>IPublishEndpoint</c>, <c>ISendEndpointProvider</c>, <c>IBus</c>) into consumers: use the <c>ConsumeContext</c>,
/// or the message bypasses the outbox (MassTransit issues #3577, #4077).
/// </summary>
public static class ReportSagaOutboxRegistrationExtensions
{
    /// <summary>Registers the outbox, its delivery dispatcher and the inbox cleanup.</summary>
    public static IBusRegistrationConfigurator AddReportSagaOutbox(this IBusRegistrationConfigurator configurator,
        Action<ReportSagaOutboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configurator);

        var captured = new ReportSagaOutboxOptions();
        configure?.Invoke(captured);
        captured.DeliveryRetryPolicy.Validated(nameof(ReportSagaOutboxOptions) + ".Delivery");
        configurator.AddOptions<ReportSagaOutboxOptions>().Configure(o => configure?.Invoke(o));

        configurator.TryAddSingleton(TimeProvider.System);
        configurator.AddMetrics();
        configurator.TryAddSingleton<PersistenceTelemetry>();
        configurator.TryAddScoped<IOutboxContextFactory<DbContext>, EfOutboxContextFactory>();
        configurator.TryAddSingleton<OutboxDeliveryService>();
        configurator.AddSingleton<IHostedService>(provider => provider.GetRequiredService<OutboxDeliveryService>());
        configurator.TryAddSingleton<InboxCleanupService>();
        configurator.AddSingleton<IHostedService>(provider => provider.GetRequiredService<InboxCleanupService>());

        if (captured.ApplyToAllEndpoints)
            configurator.AddConfigureEndpointsCallback((context, _, endpoint) => endpoint.UseReportSagaOutbox(context));
        return configurator;
    }

    /// <summary>Puts every consumer and saga of this endpoint behind the outbox and inbox. Configure message retry before this.</summary>
    public static void UseReportSagaOutbox(this IReceiveEndpointConfigurator configurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);

        var observer = new OutboxConsumePipeSpecificationObserver<DbContext>(configurator, context);
        configurator.ConnectConsumerConfigurationObserver(observer);
        configurator.ConnectSagaConfigurationObserver(observer);
    }
}
