using MassTransit;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence.Support;

/// <summary>The real RabbitMQ, in the test class's own virtual host, for a shared persistence test's bus.</summary>
internal sealed class RabbitMqTestTransport(Uri rabbitMqUri) : TestTransport
{
    public override void Use(IBusRegistrationConfigurator bus, Action<IBusRegistrationContext, IBusFactoryConfigurator> configure) =>
        bus.UsingRabbitMq((context, cfg) =>
        {
            var credentials = Uri.UnescapeDataString(rabbitMqUri.UserInfo).Split(':', 2);
            cfg.Host(new UriBuilder(rabbitMqUri) { UserName = "", Password = "" }.Uri, h =>
            {
                h.Username(credentials[0]);
                h.Password(credentials.Length > 1 ? credentials[1] : "");
            });
            configure(context, cfg);
            cfg.ConfigureEndpoints(context);
        });
}
