using System.Text.Json;
using System.Text.Json.Nodes;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Samples;

namespace ReportSaga.IntegrationTests.BrokerAccess;

/// <summary>
/// The broker users of deploy/rabbitmq/broker-access.json, made on a test's virtual host by the shipped
/// apply-broker-access.py, as docker-compose's broker-access service and the Kubernetes Job run it. Only what must
/// differ on a shared test broker differs: the virtual host, and the user names (users are broker-wide), which get a
/// suffix. The public exchange lists and the script's rules are the shipped ones; two plain-AMQP teams are added
/// beside the shipped (MassTransit) ones, so both kinds of client are checked. Users are deleted on dispose.
/// </summary>
internal sealed class ShippedBrokerAccess : IAsyncDisposable
{
    /// <summary>The shipped example teams, by role (their entries in broker-access.json).</summary>
    public const string Publisher = "example-publisher";

    public const string Subscriber = "example-subscriber";

    /// <summary>Teams of the same roles with <c>"client": "amqp"</c>: plain clients that never declare a public exchange.</summary>
    public const string PlainPublisher = "plain-publisher";

    public const string PlainSubscriber = "plain-subscriber";

    public const string ServiceUser = "service";

    private readonly RabbitMqManagementClient _management;
    private readonly Dictionary<string, (string User, string Password)> _users;
    private readonly Uri _amqp;

    private ShippedBrokerAccess(RabbitMqManagementClient management, Dictionary<string, (string User, string Password)> users,
        Uri amqp, JsonObject policy)
    {
        _management = management;
        _users = users;
        _amqp = amqp;
        Policy = policy;
    }

    /// <summary>The policy as applied (names suffixed, the test's virtual host).</summary>
    public JsonObject Policy { get; }

    /// <summary>What the script printed: one line of permissions per user.</summary>
    public string Output { get; private set; } = "";

    public static string Folder { get; } = Path.Combine(Path.GetDirectoryName(SamplesDirectory.Path)!, "deploy", "rabbitmq");

    public static IReadOnlyList<string> InputExchanges => ReadShipped()["inputExchanges"]!.AsArray().Select(e => (string)e!).ToList();

    public static IReadOnlyList<string> EventExchanges => ReadShipped()["eventExchanges"]!.AsArray().Select(e => (string)e!).ToList();

    /// <summary>The broker user of a team (or <see cref="ServiceUser"/>), as the policy named it for this test.</summary>
    public string UserOf(string team) => _users[team].User;

    /// <summary>The AMQP URI, with the user's credentials, of the test's virtual host.</summary>
    public Uri UriOf(string team)
    {
        var (user, password) = _users[team];
        return new UriBuilder(_amqp) { UserName = Uri.EscapeDataString(user), Password = Uri.EscapeDataString(password) }.Uri;
    }

    /// <summary>Runs the shipped script against the test class's virtual host and returns the users it made.</summary>
    public static async Task<ShippedBrokerAccess> ApplyAsync(string virtualHost)
    {
        var server = await RabbitMqTestServer.GetAsync();
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var policy = ReadShipped();
        policy["vhost"] = virtualHost;

        var users = new Dictionary<string, (string User, string Password)>();
        var environment = new Dictionary<string, string>();
        void AddUser(string key, JsonObject entry, string nameProperty)
        {
            var user = $"{(string)entry[nameProperty]!}-{suffix}";
            var password = Guid.NewGuid().ToString("N");
            entry[nameProperty] = user;
            users[key] = (user, password);
            environment[(string)entry["passwordVariable"]!] = password;
        }

        AddUser(ServiceUser, policy["service"]!.AsObject(), "user");
        var teams = policy["teams"]!.AsArray();
        foreach (var team in teams.Select(t => t!.AsObject()).ToList())
            AddUser((string)team["name"]!, team, "name");
        foreach (var (name, role) in new[] { (PlainPublisher, "publisher"), (PlainSubscriber, "subscriber") })
        {
            var team = new JsonObject
            {
                ["name"] = name,
                ["roles"] = new JsonArray(role),
                ["client"] = "amqp",
                ["passwordVariable"] = $"TEST_{name.Replace('-', '_').ToUpperInvariant()}_PASSWORD",
            };
            teams.Add(team);
            AddUser(name, team, "name");
        }

        Assert.Contains(Publisher, users.Keys);
        Assert.Contains(Subscriber, users.Keys);

        var (adminUser, adminPassword) = UriCredentials.Parse(server.ManagementUri);
        environment["RABBITMQ_MANAGEMENT_URL"] = new UriBuilder(server.ManagementUri) { UserName = "", Password = "" }.Uri.ToString();
        environment["RABBITMQ_MANAGEMENT_USER"] = adminUser;
        environment["RABBITMQ_MANAGEMENT_PASSWORD"] = adminPassword;
        environment["RABBITMQ_MANAGEMENT_WAIT"] = "10";

        var policyFile = Path.Combine(Path.GetTempPath(), $"broker-access-{suffix}.json");
        await File.WriteAllTextAsync(policyFile, policy.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var virtualHostUri = new UriBuilder(server.AmqpUri) { Path = "/" + Uri.EscapeDataString(virtualHost) }.Uri;
        var access = new ShippedBrokerAccess(new RabbitMqManagementClient(server.ManagementUri), users, virtualHostUri, policy);
        try
        {
            var result = await ScriptRun.RunAsync("python3", Path.Combine(Folder, "apply-broker-access.py"), environment, policyFile);
            Assert.True(result.ExitCode == 0, $"apply-broker-access.py exited with {result.ExitCode}: {result.StandardError}");
            // Nothing the script prints may carry a password.
            foreach (var (_, password) in users.Values)
                Assert.DoesNotContain(password, result.StandardOutput + result.StandardError);
            access.Output = result.StandardOutput;
            return access;
        }
        catch
        {
            await access.DisposeAsync();
            throw;
        }
        finally
        {
            File.Delete(policyFile);
        }
    }

    private static JsonObject ReadShipped() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "broker-access.json")))!.AsObject();

    public async ValueTask DisposeAsync()
    {
        foreach (var (user, _) in _users.Values)
            await _management.DeleteUserAsync(user);
        _management.Dispose();
    }
}
