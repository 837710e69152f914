using Microsoft.Extensions.Configuration;
using ReportSaga.BatchApi;
using ReportSaga.Persistence.Storage;
using ReportSaga.Service.Demo;
using ReportSaga.Service.Hosting;
using ReportSaga.Service.Messaging;
using ReportSaga.Service.OperatorHttp;

namespace ReportSaga.UnitTests.Service;

/// <summary>
/// Records print every property through ToString, so a record that holds a connection string or a key prints it
/// into whatever log line or exception message interpolates it. Each holder prints no secret.
/// </summary>
public sealed class When_an_object_holding_secrets_is_printed
{
    private const string Password = "pg-password-secret";
    private const string BrokerPassword = "amqp-password-secret";
    private const string BatchApiKey = "batch-api-key-secret";
    private const string OperatorKey = "operator-key-secret-0123";

    public static TheoryData<string, Func<object>> Holders => new()
    {
        { "ServiceParts", () => ServiceParts.From(Configuration(), isProduction: true) },
        { "AmqpAddress", () => AmqpAddress.Of(new Uri($"amqp://reportsaga:{BrokerPassword}@rabbit.example:5672/prod")) },
        { "StorageSettings", () => StorageSettings.ForPostgres($"Host=db.example;Database=reportsaga;Username=reportsaga;Password={Password}") },
        { "OperatorHttpSettings", () => OperatorHttpSettings.From(Configuration(), isProduction: true) },
        { "ApiKeySet", () => new ApiKeySet([OperatorKey]) },
        { "BatchApiOptions", () => new BatchApiOptions { BaseUrl = new Uri("https://api.example.test"), ApiKey = BatchApiKey } },
        {
            "DemoOptions", () => new DemoOptions
            {
                RabbitMq = $"amqp://reportsaga:{BrokerPassword}@rabbit.example/",
                Postgres = $"Host=db.example;Password={Password}",
                BatchApi = "https://api.example.test",
                ApiKey = BatchApiKey,
            }
        },
    };

    [Theory]
    [MemberData(nameof(Holders))]
    public void Its_text_holds_no_password_or_key(string holder, Func<object> create)
    {
        var text = $"{create()}";

        Assert.False(string.IsNullOrEmpty(text), holder);
        foreach (var secret in new[] { Password, BrokerPassword, BatchApiKey, OperatorKey })
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_service_parts_still_say_which_parts_are_in_use()
    {
        var text = ServiceParts.From(Configuration(), isProduction: true).ToString();

        Assert.Contains("bus=rabbitmq://rabbit.example", text, StringComparison.Ordinal);
        Assert.Contains("batch-api=https://api.example.test", text, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:RabbitMq"] = $"amqp://reportsaga:{BrokerPassword}@rabbit.example:5672/prod",
        ["ConnectionStrings:Postgres"] = $"Host=db.example;Database=reportsaga;Username=reportsaga;Password={Password}",
        ["BatchApi:BaseUrl"] = "https://api.example.test",
        ["BatchApi:ApiKey"] = BatchApiKey,
        ["Http:ApiKeys"] = OperatorKey,
    }).Build();
}
