using RabbitMQ.Client;
using ReportSaga.IntegrationTests.Infrastructure;

namespace ReportSaga.IntegrationTests.BrokerAccess;

/// <summary>
/// A virtual host of the test class's own with the shipped broker users on it (<see cref="ShippedBrokerAccess"/>) and
/// the service's topology declared by the service's user (<see cref="ServiceTopology"/>). Everything is deleted after
/// the class's tests.
/// </summary>
public sealed class BrokerAccessFixture : IAsyncLifetime
{
    private TestInfrastructure? _infrastructure;
    private ShippedBrokerAccess? _access;
    private IConnection? _service;

    internal ShippedBrokerAccess Access => _access ?? throw new InvalidOperationException("The fixture is not initialised yet.");

    /// <summary>A connection as the service's broker user.</summary>
    public IConnection Service => _service ?? throw new InvalidOperationException("The fixture is not initialised yet.");

    public async Task InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.CreateAsync();
        _access = await ShippedBrokerAccess.ApplyAsync(_infrastructure.VirtualHost);
        _service = await Amqp.ConnectAsync(_access.UriOf(ShippedBrokerAccess.ServiceUser));
        await ServiceTopology.DeclareAsync(_service, ShippedBrokerAccess.InputExchanges, ShippedBrokerAccess.EventExchanges);
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
            await _service.DisposeAsync();
        if (_access is not null)
            await _access.DisposeAsync();
        if (_infrastructure is not null)
            await _infrastructure.DisposeAsync();
    }
}
