using DotNet.Testcontainers.Builders;
using Testcontainers.RabbitMq;

namespace ReportSaga.IntegrationTests.Infrastructure;

/// <summary>
/// The one RabbitMQ broker of a test run, found once per process: from
/// <see cref="TestEnvironmentVariables.RabbitMq"/> if set, else from a Testcontainers container,
/// else a <see cref="MissingTestServerException"/>.
/// </summary>
internal sealed class RabbitMqTestServer
{
    private const string ContainerImage = "rabbitmq:3.13-management";
    private const int ManagementPort = 15672;

    private static readonly Lazy<Task<RabbitMqTestServer>> Shared = new(ResolveAsync);

    private RabbitMqTestServer(Uri amqpUri, Uri managementUri)
    {
        AmqpUri = amqpUri;
        ManagementUri = managementUri;
    }

    /// <summary>The broker's AMQP URI with credentials, on the default virtual host.</summary>
    public Uri AmqpUri { get; }

    /// <summary>The management HTTP API's base URI with credentials.</summary>
    public Uri ManagementUri { get; }

    public static Task<RabbitMqTestServer> GetAsync() => Shared.Value;

    private static async Task<RabbitMqTestServer> ResolveAsync()
    {
        var amqp = Environment.GetEnvironmentVariable(TestEnvironmentVariables.RabbitMq);
        if (!string.IsNullOrWhiteSpace(amqp))
            return FromEnvironment(amqp);

        RabbitMqContainer container;
        try
        {
            container = new RabbitMqBuilder(ContainerImage).WithPortBinding(ManagementPort, assignRandomHostPort: true).Build();
            await container.StartAsync();
        }
        catch (DockerUnavailableException e)
        {
            throw new MissingTestServerException("RabbitMQ", TestEnvironmentVariables.RabbitMq, "amqp://guest:guest@127.0.0.1:5672/", e);
        }

        // Testcontainers' resource reaper removes the container when the test process ends.
        var amqpUri = new Uri(container.GetConnectionString());
        return new RabbitMqTestServer(amqpUri, ManagementUriOf(amqpUri, container.Hostname, container.GetMappedPublicPort(ManagementPort)));
    }

    private static RabbitMqTestServer FromEnvironment(string amqp)
    {
        // Never echo the values: they carry passwords.
        if (!Uri.TryCreate(amqp, UriKind.Absolute, out var amqpUri) || amqpUri.Scheme is not ("amqp" or "amqps"))
            throw new InvalidOperationException(
                $"{TestEnvironmentVariables.RabbitMq} is not an AMQP URI like amqp://user:password@host:5672/.");

        var management = Environment.GetEnvironmentVariable(TestEnvironmentVariables.RabbitMqManagement);
        if (string.IsNullOrWhiteSpace(management))
            return new RabbitMqTestServer(amqpUri, ManagementUriOf(amqpUri, amqpUri.Host, ManagementPort));

        if (!Uri.TryCreate(management, UriKind.Absolute, out var managementUri) || managementUri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException(
                $"{TestEnvironmentVariables.RabbitMqManagement} is not an HTTP URI like http://user:password@host:15672/.");
        return new RabbitMqTestServer(amqpUri, managementUri);
    }

    /// <summary>The management API at host:port, with the AMQP URI's credentials.</summary>
    private static Uri ManagementUriOf(Uri amqpUri, string host, int port)
    {
        var (user, password) = UriCredentials.Parse(amqpUri);
        return new UriBuilder("http", host, port) { UserName = Uri.EscapeDataString(user), Password = Uri.EscapeDataString(password) }.Uri;
    }
}
