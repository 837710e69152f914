namespace ReportSaga.UnitTests.Deploy;

/// <summary>deploy/k8s/secret.example.yaml: the Secrets an operator creates, by name, with the keys each holds.</summary>
public static class ExampleSecrets
{
    /// <summary>The replicas' Secret: broker URI, the database role that reads and writes rows, the API key.</summary>
    public const string Service = "report-saga-secrets";

    /// <summary>The migration Job's Secret: the database role that owns the schema.</summary>
    public const string Migrate = "report-saga-migrate";

    /// <summary>The broker-access Job's Secret: management API, administrator, one password per broker user.</summary>
    public const string BrokerAccess = "report-saga-broker-access";

    public static IReadOnlyDictionary<string, Yaml.Map> Load() =>
        Yaml.LoadAll(RepositoryRoot.File("deploy", "k8s", "secret.example.yaml"))
            .Where(document => document.StringAt("kind") == "Secret")
            .ToDictionary(secret => secret.MapAt("metadata").StringAt("name"), secret => secret.MapAt("stringData"));
}
