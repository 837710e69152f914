using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>The durable scheduler on PostgreSQL (a database per test) with a destination the in-memory transport refuses, driven by a fake clock.</summary>
public sealed class When_a_scheduled_message_cannot_be_sent_in_postgres(InfrastructureFixture infrastructure)
    : SchedulerParkingTests, IClassFixture<InfrastructureFixture>
{
    private readonly TestServersOfItsOwn _servers = new(infrastructure);

    protected override Task<StorageSettings> CreateStorageAsync() => _servers.CreateAsync();

    protected override Task DropStorageAsync() => _servers.DisposeAsync().AsTask();
}
