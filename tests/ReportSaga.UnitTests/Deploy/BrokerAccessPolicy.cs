using System.Text.Json;

namespace ReportSaga.UnitTests.Deploy;

/// <summary>deploy/rabbitmq/broker-access.json, as far as the deploy files must agree with it.</summary>
public static class BrokerAccessPolicy
{
    public static readonly string Folder = RepositoryRoot.File("deploy", "rabbitmq");

    private static JsonElement Root()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "broker-access.json")));
        return document.RootElement.Clone();
    }

    public static string VirtualHost => Root().GetProperty("vhost").GetString()!;

    public static string ServiceUser => Root().GetProperty("service").GetProperty("user").GetString()!;

    /// <summary>The environment variable holding each user's password: the service's first, then each team's.</summary>
    public static IReadOnlyList<string> PasswordVariables()
    {
        var root = Root();
        return
        [
            root.GetProperty("service").GetProperty("passwordVariable").GetString()!,
            .. root.GetProperty("teams").EnumerateArray().Select(team => team.GetProperty("passwordVariable").GetString()!),
        ];
    }
}
