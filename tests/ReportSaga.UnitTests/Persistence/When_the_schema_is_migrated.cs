using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>A new SQLite file migrated (the shared tests), and what only SQLite has: the file itself, WAL mode.</summary>
public sealed class When_the_schema_is_migrated : MigrationTests
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();

    protected override string Kind => "sqlite";

    protected override IEnumerable<string> Whereabouts => [_storage.Path];

    protected override Task<StorageSettings> CreateStorageAsync() => Task.FromResult(_storage.Settings);

    protected override Task DropStorageAsync()
    {
        _storage.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Both_providers_migrations_capture_the_whole_model()
    {
        using var postgres = new PostgresDesignTimeFactory().CreateDbContext([]);
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);

        Assert.False(postgres.Database.HasPendingModelChanges(), "PostgreSQL: add a migration (Migrations/README.md)");
        Assert.False(sqlite.Database.HasPendingModelChanges(), "SQLite: add a migration (Migrations/README.md)");
    }

    [Fact]
    public async Task The_migration_creates_the_file()
    {
        await using var provider = Build();
        Assert.False(File.Exists(_storage.Path));

        await ReportSagaDatabase.MigrateAsync(provider);

        Assert.True(File.Exists(_storage.Path));
    }

    [Fact]
    public async Task The_sqlite_file_runs_in_wal_mode()
    {
        await using var provider = Build();
        await ReportSagaDatabase.MigrateAsync(provider);
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();

        var mode = await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS \"Value\" FROM pragma_journal_mode").SingleAsync();

        Assert.Equal("wal", mode);
    }
}
