
using System.Net;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ReportSaga.UnitTests.Service;

/// <summary>Operators' probes, on the service as it starts with no settings (embedded bus, storage and simulator).</summary>
public sealed class The_service_health_endpoints(WebApplicationFactory<Program> factory)
    : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Live_answers_200_without_running_any_check()
    {
        var (status, body) = await GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task Ready_answers_200_with_every_check_healthy()
    {
        var (status, body) = await GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks").EnumerateObject().ToList();
        Assert.NotEmpty(checks);
        Assert.All(checks, check => Assert.Equal("Healthy", check.Value.GetProperty("status").GetString()));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        // Ask once the service has started, bus included, as an orchestrator's probe would after start-up.
        using var client = factory
            .WithWebHostBuilder(web => web.ConfigureServices(services =>
                services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true)))
            .CreateClient();
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
