namespace ReportSaga.IntegrationTests.Infrastructure;

/// <summary>The environment variables that hand the integration tests existing servers.</summary>
public static class TestEnvironmentVariables
{
    /// <summary>AMQP URI of a RabbitMQ user allowed to create virtual hosts, e.g. <c>amqp://guest:guest@127.0.0.1:5672/</c>.</summary>
    public const string RabbitMq = "REPORTSAGA_TEST_RABBITMQ";

    /// <summary>
    /// Optional base URI of RabbitMQ's management HTTP API, e.g. <c>http://guest:guest@127.0.0.1:15672/</c>.
    /// When absent: the AMQP host on port 15672 with the AMQP URI's credentials.
    /// </summary>
    public const string RabbitMqManagement = "REPORTSAGA_TEST_RABBITMQ_MANAGEMENT";

    /// <summary>Npgsql connection string of a PostgreSQL role allowed to create databases (a superuser).</summary>
    public const string Postgres = "REPORTSAGA_TEST_POSTGRES";
}
