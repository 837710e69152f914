namespace ReportSaga.UnitTests.Deploy;

/// <summary>The settings contract.md's "Settings" table names, as environment variable names.</summary>
public static class ContractSettings
{
    public const string RabbitMq = "ConnectionStrings__RabbitMq";
    public const string Postgres = "ConnectionStrings__Postgres";
    public const string BaseUrl = "BatchApi__BaseUrl";
    public const string ApiKey = "BatchApi__ApiKey";
    public const string OperatorApiKeys = "Http__ApiKeys";

    /// <summary>Without these the service refuses to start in Production.</summary>
    public static readonly string[] Required = [RabbitMq, Postgres, BaseUrl, ApiKey, OperatorApiKeys];

    /// <summary>Everything a deployment should set explicitly, so behaviour does not silently follow code defaults.</summary>
    public static readonly string[] All =
    [
        .. Required,
        "Polling__InitialInterval", "Polling__MaxInterval", "Reports__Deadline", "Reports__MaxRetries",
        "Submission__MaxInFlight", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_SERVICE_NAME",
    ];

    /// <summary>Values that must come from a Secret in Kubernetes, never from a ConfigMap or a literal.</summary>
    public static readonly string[] Secrets = [RabbitMq, Postgres, ApiKey, OperatorApiKeys];
}
