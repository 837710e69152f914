using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence.Support;

/// <summary>
/// A PostgreSQL database and a RabbitMQ virtual host of one test's own, for shared tests that count every row or
/// message: each test starts clean, as each SQLite test has a file of its own.
/// </summary>
internal sealed class TestServersOfItsOwn(InfrastructureFixture infrastructure) : IAsyncDisposable
{
    private TestInfrastructure? _own;

    private TestInfrastructure Own => _own ?? throw new InvalidOperationException("Create the servers first.");

    public async Task<StorageSettings> CreateAsync()
    {
        _own = await infrastructure.CreateIsolatedAsync();
        return StorageSettings.ForPostgres(_own.PostgresConnectionString);
    }

    /// <summary>The database's connection string, for a probe of the test's own.</summary>
    public string PostgresConnectionString => Own.PostgresConnectionString;

    public TestTransport RabbitMq => new RabbitMqTestTransport(Own.RabbitMqUri);

    public async ValueTask DisposeAsync()
    {
        if (_own is not null)
            await _own.DisposeAsync();
    }
}
