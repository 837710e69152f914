using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace ReportSaga.IntegrationTests.Infrastructure;

/// <summary>
/// The one PostgreSQL server of a test run, found once per process: from
/// <see cref="TestEnvironmentVariables.Postgres"/> if set, else from a Testcontainers container,
/// else a <see cref="MissingTestServerException"/>.
/// </summary>
internal sealed class PostgresTestServer
{
    private const string ContainerImage = "postgres:15-alpine";

    private static readonly Lazy<Task<PostgresTestServer>> Shared = new(ResolveAsync);

    private PostgresTestServer(string adminConnectionString) => AdminConnectionString = adminConnectionString;

    /// <summary>A connection string of a role allowed to create databases, on its maintenance database.</summary>
    public string AdminConnectionString { get; }

    public static Task<PostgresTestServer> GetAsync() => Shared.Value;

    private static async Task<PostgresTestServer> ResolveAsync()
    {
        var configured = Environment.GetEnvironmentVariable(TestEnvironmentVariables.Postgres);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(configured);
            }
            catch (ArgumentException)
            {
                // Never echo the value: it carries a password.
                throw new InvalidOperationException(
                    $"{TestEnvironmentVariables.Postgres} is not an Npgsql connection string like " +
                    "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres.");
            }

            if (string.IsNullOrEmpty(builder.Database))
                builder.Database = "postgres";
            return new PostgresTestServer(builder.ConnectionString);
        }

        PostgreSqlContainer container;
        try
        {
            container = new PostgreSqlBuilder(ContainerImage).Build();
            await container.StartAsync();
        }
        catch (DockerUnavailableException e)
        {
            throw new MissingTestServerException("PostgreSQL", TestEnvironmentVariables.Postgres,
                "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres", e);
        }

        // Testcontainers' resource reaper removes the container when the test process ends.
        return new PostgresTestServer(container.GetConnectionString());
    }
}
