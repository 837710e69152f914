using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>The durable scheduler on the real RabbitMQ and PostgreSQL, driven by a fake clock; two dispatchers share the database.</summary>
public sealed class When_a_message_is_scheduled_durably_over_rabbitmq_and_postgres(InfrastructureFixture infrastructure)
    : SchedulerTests, IClassFixture<InfrastructureFixture>
{
    private readonly TestServersOfItsOwn _servers = new(infrastructure);

    protected override Task<StorageSettings> CreateStorageAsync() => _servers.CreateAsync();

    protected override TestTransport Transport => _servers.RabbitMq;

    protected override Task DropStorageAsync() => _servers.DisposeAsync().AsTask();
}
