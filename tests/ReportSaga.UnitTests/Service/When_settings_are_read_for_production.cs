using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ReportSaga.Service.Hosting;
using ReportSaga.Service.OperatorHttp;

namespace ReportSaga.UnitTests.Service;

/// <summary>The Production rules of the operator API and the Batch API URL, read straight from settings.</summary>
public sealed class When_settings_are_read_for_production
{
    private static readonly Dictionary<string, string?> Parts = new()
    {
        ["ConnectionStrings:RabbitMq"] = "amqp://guest:guest@127.0.0.1:5672/",
        ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=x;Username=x;Password=x",
        ["BatchApi:BaseUrl"] = "https://api.example.test",
        ["BatchApi:ApiKey"] = "key",
    };

    [Fact]
    public void Without_an_operator_key_production_stops_naming_the_key_and_the_way_out()
    {
        var error = Assert.Throws<OptionsValidationException>(() => OperatorHttpSettings.From(Configuration(), isProduction: true));

        Assert.Contains("Http__ApiKeys is required in Production", error.Message, StringComparison.Ordinal);
        Assert.Contains("Http__Authentication=None", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Authentication_none_is_an_explicit_way_to_run_production_without_a_key()
    {
        var settings = OperatorHttpSettings.From(Configuration(new() { ["Http:Authentication"] = "none" }), isProduction: true);

        Assert.True(settings.AuthenticationOff);
    }

    [Fact]
    public void Outside_production_no_key_means_loopback_only_and_the_defaults_limit_100_a_second()
    {
        var settings = OperatorHttpSettings.From(Configuration(), isProduction: false);

        Assert.False(settings.AuthenticationOff);
        Assert.Equal(0, settings.Keys.Count);
        Assert.Equal(100, settings.RateLimitPermits);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.RateLimitWindow);
        Assert.Equal("authentication=loopback-only rate-limit=100/0:00:01", settings.ToString());
    }

    [Theory]
    [InlineData("http://api.example.test")]
    [InlineData("http://10.0.0.5:8080")]
    public void A_plain_http_batch_api_on_the_network_is_refused_in_production(string url)
    {
        var error = Assert.Throws<InvalidSettingException>(() => ServiceParts.From(Configuration(new() { ["BatchApi:BaseUrl"] = url }), isProduction: true));

        Assert.Equal(ServiceParts.BatchApiBaseUrlKey, error.Key);
    }

    [Theory]
    [InlineData("https://api.example.test", null)]
    [InlineData("http://127.0.0.1:5080", null)] // stays on the machine
    [InlineData("http://localhost:5080", null)]
    [InlineData("http://simulator:8080", "true")] // said explicitly, for a simulator
    public void Https_loopback_or_an_explicit_allowance_is_accepted_in_production(string url, string? allowInsecure)
    {
        var parts = ServiceParts.From(
            Configuration(new() { ["BatchApi:BaseUrl"] = url, ["BatchApi:AllowInsecureHttp"] = allowInsecure }), isProduction: true);

        Assert.Equal(new Uri(url), parts.BatchApiBaseUrl);
    }

    [Fact]
    public void Outside_production_a_plain_http_batch_api_is_accepted()
    {
        var parts = ServiceParts.From(Configuration(new() { ["BatchApi:BaseUrl"] = "http://api.example.test" }), isProduction: false);

        Assert.Equal("http", parts.BatchApiBaseUrl!.Scheme);
    }

    private static IConfiguration Configuration(Dictionary<string, string?>? overrides = null)
    {
        var values = new Dictionary<string, string?>(Parts);
        foreach (var (key, value) in overrides ?? [])
            values[key] = value;
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
