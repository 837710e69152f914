using ReportSaga.BatchApi;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.BatchApi;

public sealed class When_keeping_the_api_key_secret
{
    private const string SecretKey = "sk-very-secret-4711";

    [Fact]
    public async Task No_log_line_at_any_level_contains_the_key()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ApiKeys = SecretKey, ProcessingTime = TimeSpan.Zero });
        var logs = new CapturingLoggerProvider();
        using var client = TestClient.For(simulator.BaseAddress, o => o.ApiKey = SecretKey, logs: logs);

        var submitted = await client.Api.RequestReportAsync(ReportBodies.Body());
        await client.Api.ValidateAsync(ReportBodies.Body());
        await client.Api.GetStatusAsync(submitted.Value!.ReportId);
        await client.Api.GetRemainingCreditsAsync();
        await client.Api.GetStatusAsync(Guid.NewGuid().ToString()); // a failing call too

        Assert.Contains(logs.Lines, l => l.Contains("api-key", StringComparison.OrdinalIgnoreCase)); // the header was logged, redacted
        Assert.DoesNotContain(SecretKey, logs.AllText);
    }

    [Fact]
    public async Task Download_urls_are_logged_without_their_query_string()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });
        var logs = new CapturingLoggerProvider();
        using var client = TestClient.For(simulator.BaseAddress, logs: logs);
        var submitted = await client.Api.RequestReportAsync(ReportBodies.Body());

        var status = await client.Api.GetStatusAsync(submitted.Value!.ReportId);

        var url = status.Value!.DownloadUrl!;
        Assert.Contains("signature=", url);
        Assert.Contains(logs.Lines, l => l.Contains(UrlRedaction.WithoutQuery(url), StringComparison.Ordinal));
        Assert.DoesNotContain("signature=", logs.AllText);
    }

    [Fact]
    public async Task A_body_that_echoes_the_key_does_not_put_it_into_the_errors()
    {
        await using var server = await ScriptedHttpServer.Answering(401, $"key {SecretKey} is not active", "text/plain");
        using var client = TestClient.For(server.BaseAddress, o => o.ApiKey = SecretKey);

        var result = await client.Api.GetRemainingCreditsAsync();

        Assert.Equal(BatchApiOutcome.Unauthorized, result.Outcome);
        Assert.Equal(["HTTP 401 (Unauthorized): key *** is not active"], result.Errors);
    }
}
