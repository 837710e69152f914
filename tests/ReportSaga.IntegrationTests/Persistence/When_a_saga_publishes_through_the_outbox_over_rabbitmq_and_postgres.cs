using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>A saga behind the outbox on the real RabbitMQ and PostgreSQL: state and events commit together.</summary>
public sealed class When_a_saga_publishes_through_the_outbox_over_rabbitmq_and_postgres(InfrastructureFixture infrastructure)
    : SagaOutboxTests, IClassFixture<InfrastructureFixture>
{
    private readonly TestServersOfItsOwn _servers = new(infrastructure);

    protected override int VersionAfterOneConflict => 2;

    protected override Task<StorageSettings> CreateStorageAsync() => _servers.CreateAsync();

    protected override TestTransport Transport => _servers.RabbitMq;

    protected override Task DropStorageAsync() => _servers.DisposeAsync().AsTask();
}
