using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>The scheduler's hosted dispatcher on the real RabbitMQ and PostgreSQL, woken by the fake clock.</summary>
public sealed class When_the_scheduler_runs_as_a_hosted_service_over_rabbitmq_and_postgres(InfrastructureFixture infrastructure)
    : HostedSchedulerTests, IClassFixture<InfrastructureFixture>
{
    private readonly TestServersOfItsOwn _servers = new(infrastructure);

    protected override Task<StorageSettings> CreateStorageAsync() => _servers.CreateAsync();

    protected override TestTransport Transport => _servers.RabbitMq;

    protected override Task DropStorageAsync() => _servers.DisposeAsync().AsTask();
}
