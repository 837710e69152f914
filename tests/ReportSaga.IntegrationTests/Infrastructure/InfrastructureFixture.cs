// InfrastructureFixture: real RabbitMQ and PostgreSQL for integration tests, isolated per test class.
//
//   public sealed class When_something : IClassFixture<InfrastructureFixture>
//   {
//       public When_something(InfrastructureFixture infrastructure) { ... }
//   }
//
// Members (all ready once the constructor of the test class runs):
//   Uri    RabbitMqUri              amqp://user:pass@host:port/<vhost> of the class's own virtual host
//   string VirtualHost              that virtual host's name
//   string PostgresConnectionString Npgsql connection string (superuser) to the class's own empty database
//   string DatabaseName             that database's name
//   Task<TestInfrastructure> CreateIsolatedAsync()
//                                   another fresh virtual host + database (same members as above), for a
//                                   test that needs a clean slate of its own; dispose it with
//                                   `await using`, else it is deleted with the class's own.
// Both the class's virtual host and database are deleted when the class's tests are done.
//
// Where the servers come from (found once per test process):
//   1. REPORTSAGA_TEST_RABBITMQ (AMQP URI of a user allowed to create virtual hosts) and
//      REPORTSAGA_TEST_POSTGRES (Npgsql connection string of a superuser). Virtual hosts are made
//      through the management HTTP API: REPORTSAGA_TEST_RABBITMQ_MANAGEMENT, else http://<amqp host>:15672
//      with the AMQP credentials.
//   2. else Testcontainers (rabbitmq:3.13-management, postgres:15-alpine) when a Docker engine answers;
//   3. else the tests fail with MissingTestServerException naming the variable to set. Never a skip.
// `bash scripts/test.sh` provisions local servers and sets the variables.

namespace ReportSaga.IntegrationTests.Infrastructure;

/// <summary>
/// An xunit class fixture that gives each test class its own RabbitMQ virtual host and PostgreSQL
/// database, so tests never see each other's messages or rows. See the comment at the top of this file.
/// </summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private readonly List<TestInfrastructure> _created = [];
    private TestInfrastructure? _own;

    /// <summary>The AMQP URI, credentials included, of this test class's virtual host.</summary>
    public Uri RabbitMqUri => Own.RabbitMqUri;

    /// <summary>The name of this test class's virtual host.</summary>
    public string VirtualHost => Own.VirtualHost;

    /// <summary>An Npgsql connection string to this test class's database (created empty).</summary>
    public string PostgresConnectionString => Own.PostgresConnectionString;

    /// <summary>The name of this test class's database.</summary>
    public string DatabaseName => Own.DatabaseName;

    private TestInfrastructure Own => _own ?? throw new InvalidOperationException("The fixture is not initialised yet.");

    /// <summary>
    /// A further virtual host and database, apart from the class's own. Dispose it when done; whatever
    /// is left is deleted when the class's tests are done.
    /// </summary>
    public async Task<TestInfrastructure> CreateIsolatedAsync(CancellationToken cancellationToken = default)
    {
        var infrastructure = await TestInfrastructure.CreateAsync(cancellationToken);
        lock (_created)
            _created.Add(infrastructure);
        return infrastructure;
    }

    async Task IAsyncLifetime.InitializeAsync() => _own = await CreateIsolatedAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        TestInfrastructure[] created;
        lock (_created)
            created = [.. _created];

        foreach (var infrastructure in created)
            await infrastructure.DisposeAsync();
    }
}
