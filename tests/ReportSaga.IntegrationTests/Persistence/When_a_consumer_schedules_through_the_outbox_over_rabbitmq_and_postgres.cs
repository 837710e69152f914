using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>Scheduling from a consumer behind the outbox on the real RabbitMQ and PostgreSQL (a database and virtual host per test).</summary>
public sealed class When_a_consumer_schedules_through_the_outbox_over_rabbitmq_and_postgres(InfrastructureFixture infrastructure)
    : OutboxSchedulingTests, IClassFixture<InfrastructureFixture>
{
    private readonly TestServersOfItsOwn _servers = new(infrastructure);

    protected override Task<StorageSettings> CreateStorageAsync() => _servers.CreateAsync();

    protected override TestTransport Transport => _servers.RabbitMq;

    protected override Task DropStorageAsync() => _servers.DisposeAsync().AsTask();
}
