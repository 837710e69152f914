using Npgsql;
using ReportSaga.BatchApi;
using ReportSaga.Orchestration.Options;

namespace ReportSaga.Service.Hosting;

/// <summary>
/// Which bus, storage and Batch API this process uses, decided once from settings. Each part falls back to an
/// embedded default (in-memory bus, SQLite file, in-process simulator) outside Production; in Production a missing
/// part stops start-up with the key to set.
/// </summary>
public sealed record ServiceParts
{
    public const string RabbitMqKey = "ConnectionStrings:RabbitMq";
    public const string PostgresKey = "ConnectionStrings:Postgres";
    public const string BatchApiBaseUrlKey = "BatchApi:BaseUrl";
    public const string BatchApiKeyKey = "BatchApi:ApiKey";
    public const string BatchApiAllowInsecureHttpKey = "BatchApi:AllowInsecureHttp";

    /// <summary>The AMQP URI, or null for the embedded in-memory bus.</summary>
    public Uri? RabbitMq { get; init; }

    /// <summary>The Npgsql connection string, or null for the embedded SQLite file.</summary>
    public string? Postgres { get; init; }

    /// <summary>The Batch API base URL, or null for the embedded simulator.</summary>
    public Uri? BatchApiBaseUrl { get; init; }

    public bool UsesEmbeddedSimulator => BatchApiBaseUrl is null;

    /// <summary>How the storage describes itself once configured (no secret), e.g. <c>sqlite://reportsaga.db</c>.</summary>
    public string? StorageDescription { get; init; }

    /// <summary>
    /// Reads the parts; throws <see cref="InvalidSettingException"/> naming the key that is wrong or missing, or
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming a <c>BatchApi__*</c> value that cannot be read.
    /// </summary>
    public static ServiceParts From(IConfiguration configuration, bool isProduction)
    {
        var rabbit = configuration[RabbitMqKey];
        var postgres = configuration[PostgresKey];
        var baseUrl = configuration[BatchApiBaseUrlKey];

        if (isProduction)
        {
            foreach (var (key, value) in new[] { (RabbitMqKey, rabbit), (PostgresKey, postgres), (BatchApiBaseUrlKey, baseUrl) })
            {
                if (string.IsNullOrWhiteSpace(value))
                    throw new InvalidSettingException(key, "is required in Production (no embedded fallback there)");
            }
        }

        var parts = new ServiceParts
        {
            RabbitMq = string.IsNullOrWhiteSpace(rabbit) ? null : ParseAmqp(rabbit),
            Postgres = string.IsNullOrWhiteSpace(postgres) ? null : CheckPostgres(postgres),
            BatchApiBaseUrl = string.IsNullOrWhiteSpace(baseUrl) ? null : ParseHttp(baseUrl),
        };

        // Read whatever the URL: the whole BatchApi section is bound here, so a value it cannot read stops start-up
        // naming its key (the client binds the same section again later).
        var allowsInsecureHttp = AllowsInsecureHttp(configuration);

        // The API key travels with every call: in Production it crosses no network in the clear. A loopback URL
        // stays on the machine (a local TLS-originating proxy, a test's simulator); anything else needs an explicit
        // BatchApi__AllowInsecureHttp=true (a simulator in a staging cluster), which the service logs at Warning.
        if (isProduction && parts.BatchApiBaseUrl is { Scheme: "http" } insecure && !insecure.IsLoopback && !allowsInsecureHttp)
            throw new InvalidSettingException(BatchApiBaseUrlKey,
                "must be an https URL in Production (the API key is sent with every call); set BatchApi__AllowInsecureHttp=true only for a simulator");

        if (parts.BatchApiBaseUrl is not null && string.IsNullOrWhiteSpace(configuration[BatchApiKeyKey]))
            throw new InvalidSettingException(BatchApiKeyKey, "is required when BatchApi__BaseUrl is set");

        return parts;
    }

    /// <summary>Whether <c>BatchApi__AllowInsecureHttp=true</c> lets a Production service call a non-loopback http:// Batch API.</summary>
    public static bool AllowsInsecureHttp(IConfiguration configuration) =>
        configuration.GetSection(BatchApiOptions.SectionName).ReadSettings<BatchApiOptions>().AllowInsecureHttp;

    /// <summary>A record prints every property, connection strings included: this one prints what <see cref="Describe"/> says.</summary>
    public override string ToString() => $"ServiceParts {{ {Describe()} }}";

    /// <summary>The first log line: which part is in use, with no secret in it.</summary>
    public string Describe() =>
        $"bus={DescribeBus()} storage={StorageDescription ?? DescribeStorage()} batch-api={DescribeBatchApi()}";

    private string DescribeBus() => RabbitMq is null
        ? "in-memory"
        : $"rabbitmq://{RabbitMq.Host}{(RabbitMq.IsDefaultPort ? "" : ":" + RabbitMq.Port)}/{VirtualHostOf(RabbitMq)}";

    private string DescribeStorage()
    {
        if (Postgres is null)
            return "sqlite";
        var builder = new NpgsqlConnectionStringBuilder(Postgres);
        return $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
    }

    private string DescribeBatchApi() => BatchApiBaseUrl is null
        ? "embedded-simulator"
        : BatchApiBaseUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>The virtual host named by an AMQP URI's path ("/" when the path is empty).</summary>
    public static string VirtualHostOf(Uri amqp)
    {
        var path = Uri.UnescapeDataString(amqp.AbsolutePath.TrimStart('/'));
        return path.Length == 0 ? "/" : path;
    }

    private static Uri ParseAmqp(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
            throw new InvalidSettingException(RabbitMqKey, "must be an AMQP URI such as amqp://user:password@host:5672/vhost");
        return uri;
    }

    private static string CheckPostgres(string value)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(value);
            return value;
        }
        catch (ArgumentException)
        {
            // The parser's message may quote the string, password included: say only which key is wrong.
            throw new InvalidSettingException(PostgresKey, "is not a valid Npgsql connection string (Host=…;Database=…;Username=…;Password=…)");
        }
    }

    private static Uri ParseHttp(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new InvalidSettingException(BatchApiBaseUrlKey, "must be an absolute http(s) URL such as https://api.similarweb.com");
        return uri;
    }
}
