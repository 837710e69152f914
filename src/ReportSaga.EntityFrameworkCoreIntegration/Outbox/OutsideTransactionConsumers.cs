using System.Collections.Concurrent;
using MassTransit;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>
/// The consumers chosen by <see cref="ReportSagaOutboxOptions.ConsumesOutsideTransaction"/>, by the name MassTransit
/// gives the outbox for them (<c>OutboxConsumeOptions.ConsumerType</c>). Filled while the receive endpoints are
/// configured, read by <see cref="EfOutboxContextFactory"/> for every message.
/// </summary>
internal sealed class OutsideTransactionConsumers
{
    private readonly ConcurrentDictionary<string, bool> _names = new(StringComparer.Ordinal);

    public void Add<TConsumer>()
        where TConsumer : class =>
        // The same expression core's OutboxConsumePipeSpecificationObserver uses for OutboxConsumeOptions.ConsumerType.
        _names.TryAdd(TypeCache<TConsumer>.ShortName, true);

    public bool Contains(string? consumerType) => consumerType is not null && _names.ContainsKey(consumerType);
}

/// <summary>Records each consumer of an endpoint that the predicate chooses; sagas are never chosen.</summary>
internal sealed class OutsideTransactionConsumerObserver(Func<Type, bool> predicate, OutsideTransactionConsumers consumers)
    : IConsumerConfigurationObserver
{
    public void ConsumerConfigured<TConsumer>(IConsumerConfigurator<TConsumer> configurator)
        where TConsumer : class
    {
        if (predicate(typeof(TConsumer)))
            consumers.Add<TConsumer>();
    }

    public void ConsumerMessageConfigured<TConsumer, TMessage>(IConsumerMessageConfigurator<TConsumer, TMessage> configurator)
        where TConsumer : class
        where TMessage : class
    {
    }
}
