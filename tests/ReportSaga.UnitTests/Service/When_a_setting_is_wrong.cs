using System.Diagnostics;

namespace ReportSaga.UnitTests.Service;

/// <summary>The service process, started as an operator would, with one bad setting each time.</summary>
public sealed class When_a_setting_is_wrong
{
    [Theory]
    [InlineData("Polling__InitialInterval", "00:00:00", "Polling__InitialInterval")]
    [InlineData("Polling__InitialInterval", "soon", "Polling__InitialInterval")] // not a time span at all
    [InlineData("Storage__MigrateOnStartup", "maybe", "Storage__MigrateOnStartup")]
    [InlineData("Telemetry__ReportsByStateInterval", "00:00:00", "Telemetry__ReportsByStateInterval")]
    [InlineData("Telemetry__ReportsByStateInterval", "soon", "Telemetry__ReportsByStateInterval")]
    [InlineData("Scheduler__SendTimeout", "00:00:00", "Scheduler__SendTimeout")]
    [InlineData("Submission__MaxInFlight", "0", "Submission__MaxInFlight")]
    [InlineData("Requests__MaxBodyBytes", "512", "Requests__MaxBodyBytes")]
    [InlineData("RabbitMq__StuckEndpointLimit", "00:00:10", "RabbitMq__StuckEndpointLimit")]
    [InlineData("RabbitMq__PrefetchCount", "lots", "RabbitMq__PrefetchCount")]
    [InlineData("Scheduler__ParkAfterAttempts", "0", "Scheduler__ParkAfterAttempts")]
    [InlineData("Outbox__RetryDelay", "soon", "Outbox__RetryDelay")]
    [InlineData("Scheduler__QueueName", "elsewhere", "Scheduler__QueueName")] // the stand-in's own, not a setting
    [InlineData("Outbox__ApplyToAllEndpoints", "false", "Outbox__ApplyToAllEndpoints")] // would turn the outbox off
    [InlineData("Outbox__RetryDelai", "00:00:02", "Outbox__RetryDelai")] // a typo is not taken silently
    [InlineData("ConnectionStrings__RabbitMq", "not-a-uri", "ConnectionStrings__RabbitMq")]
    [InlineData("BatchApi__BaseUrl", "https://api.example.test", "BatchApi__ApiKey")]
    [InlineData("ConnectionStrings__Postgres", "Host=db;Password=hunter2-secret;Frobnicate=1", "ConnectionStrings__Postgres")]
    [InlineData("Http__ApiKeys", "hunter2-secret", "Http__ApiKeys")] // too short to resist guessing
    [InlineData("Http__Authentication", "Maybe", "Http__Authentication")]
    [InlineData("Http__RateLimitPermits", "0", "Http__RateLimitPermits")]
    [InlineData("Http__RateLimitWindow", "soon", "Http__RateLimitWindow")]
    [InlineData("Telemetry__PrometheusPort", "70000", "Telemetry__PrometheusPort")]
    [InlineData("Telemetry__PrometheusPort", "metrics", "Telemetry__PrometheusPort")]
    [InlineData("BatchApi__AllowInsecureHttp", "yes", "BatchApi__AllowInsecureHttp")]
    [InlineData("BatchApi__AttemptTimeout", "soon", "BatchApi__AttemptTimeout")]
    [InlineData("Telemetry__TraceUrlTemplate", "http://jaeger:16686/trace/", "Telemetry__TraceUrlTemplate")] // no {traceId}
    public async Task Start_up_stops_with_a_message_naming_the_key_and_no_secret(string key, string value, string named)
    {
        var (exitCode, output) = await RunServiceAsync(new() { [key] = value });

        Assert.Equal(2, exitCode);
        Assert.Contains($"ReportSaga cannot start: ", output, StringComparison.Ordinal);
        Assert.Contains(named, output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace for an operator's mistake
    }

    [Theory]
    [InlineData("ConnectionStrings__RabbitMq")]
    [InlineData("ConnectionStrings__Postgres")]
    [InlineData("BatchApi__BaseUrl")]
    [InlineData("Http__ApiKeys")]
    public async Task In_production_a_missing_part_is_an_error_not_a_silent_fallback(string missing)
    {
        var settings = ProductionSettings();
        settings.Remove(missing);

        var (exitCode, output) = await RunServiceAsync(settings);

        Assert.Equal(2, exitCode);
        Assert.Contains($"Setting {missing} is required in Production", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_production_a_plain_http_batch_api_elsewhere_than_on_loopback_is_an_error()
    {
        var settings = ProductionSettings();
        settings["BatchApi__BaseUrl"] = "http://api.example.test";

        var (exitCode, output) = await RunServiceAsync(settings);

        Assert.Equal(2, exitCode);
        Assert.Contains("Setting BatchApi__BaseUrl must be an https URL in Production", output, StringComparison.Ordinal);
        Assert.DoesNotContain("batch-api-key-secret", output, StringComparison.Ordinal);
    }

    /// <summary>Every part a Production service needs, pointing nowhere (port 1): start-up fails on the setting under test first.</summary>
    private static Dictionary<string, string> ProductionSettings() => new()
    {
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__RabbitMq"] = "amqp://guest:guest@127.0.0.1:1/",
        ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x",
        ["BatchApi__BaseUrl"] = "https://api.example.test",
        ["BatchApi__ApiKey"] = "batch-api-key-secret",
        ["Http__ApiKeys"] = "operator-key-0123456789",
    };

    private static async Task<(int ExitCode, string Output)> RunServiceAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "ReportSaga.Service.dll"), "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.Environment["Storage__SqlitePath"] = Path.Combine(Path.GetTempPath(), $"reportsaga-settings-{Guid.NewGuid():N}.db");
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The service did not stop on a bad setting within 60 s.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
