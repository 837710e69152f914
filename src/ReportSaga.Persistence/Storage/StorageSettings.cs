using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ReportSaga.Persistence.Storage;

/// <summary>
/// Where ReportSaga stores its state, resolved from configuration: <c>ConnectionStrings:Postgres</c> when set,
/// else a SQLite file at <c>Storage:SqlitePath</c> (default <c>reportsaga.db</c> in the content root).
/// </summary>
public sealed class StorageSettings
{
    /// <summary>The configuration key of the PostgreSQL connection string.</summary>
    public const string PostgresConnectionStringName = "Postgres";

    /// <summary>The configuration key of the SQLite file path.</summary>
    public const string SqlitePathKey = "Storage:SqlitePath";

    /// <summary>The configuration key that turns off applying migrations at start-up (default on).</summary>
    public const string MigrateOnStartupKey = "Storage:MigrateOnStartup";

    private StorageSettings(StorageProvider provider, string connectionString, string description)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Description = description;
    }

    /// <summary>The database kind.</summary>
    public StorageProvider Provider { get; }

    /// <summary>The connection string. May hold a password: never log it; log <see cref="Description"/>.</summary>
    internal string ConnectionString { get; }

    /// <summary>Where the data lives, without secrets: <c>postgres://host:5432/db</c> or <c>sqlite:///abs/path.db</c>.</summary>
    public string Description { get; }

    /// <summary>Reads the settings; never throws for a missing SQLite file (it is created by the migrations).</summary>
    public static StorageSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var postgres = configuration.GetConnectionString(PostgresConnectionStringName);
        if (!string.IsNullOrWhiteSpace(postgres))
            return ForPostgres(postgres);

        var contentRoot = configuration[Microsoft.Extensions.Hosting.HostDefaults.ContentRootKey];
        var path = configuration[SqlitePathKey];
        if (string.IsNullOrWhiteSpace(path))
            path = "reportsaga.db";
        if (!Path.IsPathRooted(path))
            path = Path.Combine(string.IsNullOrWhiteSpace(contentRoot) ? Directory.GetCurrentDirectory() : contentRoot, path);

        return ForSqliteFile(path);
    }

    /// <summary>Settings for a PostgreSQL database.</summary>
    public static StorageSettings ForPostgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var host = string.IsNullOrWhiteSpace(builder.Host) ? "localhost" : builder.Host;
        var description = $"postgres://{host}:{builder.Port}/{builder.Database ?? builder.Username ?? "postgres"}";
        return new StorageSettings(StorageProvider.Postgres, connectionString, description);
    }

    /// <summary>Settings for a SQLite file (created when missing).</summary>
    public static StorageSettings ForSqliteFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout: the busy wait of one writer.
            DefaultTimeout = 30,
        };
        return new StorageSettings(StorageProvider.Sqlite, builder.ToString(), "sqlite://" + fullPath);
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}
