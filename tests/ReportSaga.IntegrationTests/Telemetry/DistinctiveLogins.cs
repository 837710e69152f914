using Npgsql;
using OpenTelemetry;
using ReportSaga.IntegrationTests.Infrastructure;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>
/// A RabbitMQ user and a PostgreSQL role of their own, each with a password no other text could contain by chance,
/// for the service to connect as. A test can then search exported telemetry for those passwords: the shared test
/// logins (guest/guest, reportsaga_test) are words that occur in telemetry for innocent reasons.
/// The role owns the given database (so it may run the migrations); both logins are removed on dispose.
/// </summary>
public sealed class DistinctiveLogins : IAsyncDisposable
{
    private readonly RabbitMqManagementClient _management;
    private readonly string _adminConnectionString;
    private readonly string _rabbitMqUser;

    private DistinctiveLogins(RabbitMqManagementClient management, string adminConnectionString, string rabbitMqUser,
        string rabbitMqPassword, string virtualHost, Uri rabbitMqUri, string postgresRole, string postgresPassword, string postgresConnectionString)
    {
        _management = management;
        _adminConnectionString = adminConnectionString;
        _rabbitMqUser = rabbitMqUser;
        RabbitMqPassword = rabbitMqPassword;
        VirtualHost = virtualHost;
        RabbitMqUri = rabbitMqUri;
        PostgresRole = postgresRole;
        PostgresPassword = postgresPassword;
        PostgresConnectionString = postgresConnectionString;
    }

    public string RabbitMqPassword { get; }

    /// <summary>The virtual host the user may use.</summary>
    public string VirtualHost { get; }

    /// <summary>The given virtual host, with the distinctive user and password in it.</summary>
    public Uri RabbitMqUri { get; }

    public string PostgresRole { get; }

    public string PostgresPassword { get; }

    /// <summary>The given database, as the distinctive role.</summary>
    public string PostgresConnectionString { get; }

    public static async Task<DistinctiveLogins> CreateAsync(TestInfrastructure infrastructure)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var rabbitUser = $"reportsaga-telemetry-{suffix}";
        var rabbitPassword = $"amqp-secret-{Guid.NewGuid():N}";
        var role = $"reportsaga_telemetry_{suffix}";
        var pgPassword = $"pg-secret-{Guid.NewGuid():N}";

        var management = new RabbitMqManagementClient((await RabbitMqTestServer.GetAsync()).ManagementUri);
        await management.CreateUserAsync(rabbitUser, rabbitPassword, infrastructure.VirtualHost);

        // The password is in this statement: keep it out of any tracer that happens to listen to Npgsql in this process.
        using (SuppressInstrumentationScope.Begin())
        {
            await ExecuteAsync(infrastructure.PostgresConnectionString,
                $"CREATE ROLE \"{role}\" LOGIN PASSWORD '{pgPassword}'; ALTER DATABASE \"{infrastructure.DatabaseName}\" OWNER TO \"{role}\";");
        }

        var rabbitUri = new UriBuilder(infrastructure.RabbitMqUri) { UserName = Uri.EscapeDataString(rabbitUser), Password = Uri.EscapeDataString(rabbitPassword) }.Uri;
        var pgConnection = new NpgsqlConnectionStringBuilder(infrastructure.PostgresConnectionString) { Username = role, Password = pgPassword }.ConnectionString;
        return new DistinctiveLogins(management, infrastructure.PostgresConnectionString, rabbitUser, rabbitPassword, infrastructure.VirtualHost, rabbitUri, role, pgPassword, pgConnection);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _management.DeleteUserAsync(_rabbitMqUser);
            using (var connection = new NpgsqlConnection(PostgresConnectionString))
                NpgsqlConnection.ClearPool(connection);
            // The database (dropped with its infrastructure) and its tables go back to the admin role, so the role can go.
            await ExecuteAsync(_adminConnectionString,
                $"REASSIGN OWNED BY \"{PostgresRole}\" TO CURRENT_USER; DROP OWNED BY \"{PostgresRole}\"; DROP ROLE \"{PostgresRole}\";");
        }
        finally
        {
            _management.Dispose();
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
