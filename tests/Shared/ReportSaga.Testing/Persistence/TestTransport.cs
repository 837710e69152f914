using MassTransit;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// The broker a <see cref="PersistenceTestHost"/> bus runs on: the in-memory transport here, the real RabbitMQ in the
/// integration tests. A shared test class runs on whichever its database's subclass gives.
/// </summary>
public abstract class TestTransport
{
    /// <summary>MassTransit's in-memory transport: no broker, nothing refused but addresses it cannot serve.</summary>
    public static TestTransport InMemory { get; } = new InMemoryTestTransport();

    /// <summary>
    /// Selects the transport on <paramref name="bus"/>, lets <paramref name="configure"/> set it up, then configures the
    /// endpoints of every registered consumer and saga.
    /// </summary>
    public abstract void Use(IBusRegistrationConfigurator bus, Action<IBusRegistrationContext, IBusFactoryConfigurator> configure);

    private sealed class InMemoryTestTransport : TestTransport
    {
        public override void Use(IBusRegistrationConfigurator bus, Action<IBusRegistrationContext, IBusFactoryConfigurator> configure) =>
            bus.UsingInMemory((context, cfg) =>
            {
                configure(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
    }
}
