using Npgsql;

namespace ReportSaga.IntegrationTests.Infrastructure;

/// <summary>
/// One RabbitMQ virtual host and one PostgreSQL database that belong to a single owner (a test class
/// or a test) and to nobody else. Disposing deletes both, with every queue, exchange and row in them.
/// </summary>
public sealed class TestInfrastructure : IAsyncDisposable
{
    private readonly RabbitMqManagementClient _management;
    private readonly string _adminConnectionString;
    private int _disposed;

    private TestInfrastructure(RabbitMqManagementClient management, string adminConnectionString,
        string virtualHost, Uri rabbitMqUri, string databaseName, string postgresConnectionString)
    {
        _management = management;
        _adminConnectionString = adminConnectionString;
        VirtualHost = virtualHost;
        RabbitMqUri = rabbitMqUri;
        DatabaseName = databaseName;
        PostgresConnectionString = postgresConnectionString;
    }

    /// <summary>The AMQP URI, credentials included, of this owner's virtual host (<c>amqp://user:pass@host:port/vhost</c>).</summary>
    public Uri RabbitMqUri { get; }

    /// <summary>The name of the virtual host.</summary>
    public string VirtualHost { get; }

    /// <summary>An Npgsql connection string, as the admin role, to this owner's empty database.</summary>
    public string PostgresConnectionString { get; }

    /// <summary>The name of the database.</summary>
    public string DatabaseName { get; }

    /// <summary>Creates a fresh virtual host and database on the run's servers (found on first use).</summary>
    public static async Task<TestInfrastructure> CreateAsync(CancellationToken cancellationToken = default)
    {
        var rabbit = await RabbitMqTestServer.GetAsync();
        var postgres = await PostgresTestServer.GetAsync();

        // Unique names: the servers may be shared with other runs and other developers.
        var suffix = Guid.NewGuid().ToString("N")[..16];
        var virtualHost = $"reportsaga-test-{suffix}";
        var databaseName = $"reportsaga_test_{suffix}";

        var management = new RabbitMqManagementClient(rabbit.ManagementUri);
        var (user, _) = UriCredentials.Parse(rabbit.AmqpUri);
        try
        {
            await management.CreateVirtualHostAsync(virtualHost, user, cancellationToken);
            await ExecuteAsync(postgres.AdminConnectionString, $"CREATE DATABASE \"{databaseName}\"", cancellationToken);
        }
        catch
        {
            await management.DeleteVirtualHostAsync(virtualHost, CancellationToken.None);
            management.Dispose();
            throw;
        }

        var rabbitMqUri = new UriBuilder(rabbit.AmqpUri) { Path = "/" + Uri.EscapeDataString(virtualHost) }.Uri;
        var connectionString = new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString) { Database = databaseName }.ConnectionString;
        return new TestInfrastructure(management, postgres.AdminConnectionString, virtualHost, rabbitMqUri, databaseName, connectionString);
    }

    /// <summary>Deletes the virtual host and the database; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;

        try
        {
            await _management.DeleteVirtualHostAsync(VirtualHost);
            using (var connection = new NpgsqlConnection(PostgresConnectionString))
                NpgsqlConnection.ClearPool(connection);
            // FORCE ends sessions a test left open, so a forgotten connection cannot keep the database alive.
            await ExecuteAsync(_adminConnectionString, $"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", CancellationToken.None);
        }
        finally
        {
            _management.Dispose();
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
