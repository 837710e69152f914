using Npgsql;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>A new PostgreSQL database (one of its own per test), as an operator's first start meets it.</summary>
public sealed class When_a_new_postgres_database_is_migrated(InfrastructureFixture infrastructure)
    : MigrationTests, IClassFixture<InfrastructureFixture>
{
    private TestInfrastructure? _database;

    protected override string Kind => "postgres";

    protected override IEnumerable<string> Whereabouts
    {
        get
        {
            var connection = new NpgsqlConnectionStringBuilder(_database!.PostgresConnectionString);
            return [connection.Host!, _database.DatabaseName];
        }
    }

    protected override async Task<StorageSettings> CreateStorageAsync()
    {
        _database = await infrastructure.CreateIsolatedAsync();
        return StorageSettings.ForPostgres(_database.PostgresConnectionString);
    }

    protected override async Task DropStorageAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
    }
}
