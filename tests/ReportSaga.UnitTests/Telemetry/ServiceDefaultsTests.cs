using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using ReportSaga.Service.Defaults;

namespace ReportSaga.UnitTests.Telemetry;

/// <summary>A web host with the service defaults and its default endpoints, on a free loopback port.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class ServiceDefaultsTests
{
    [Fact]
    public async Task Liveness_answers_200_while_a_ready_check_fails()
    {
        await using var host = await TestHost.StartAsync(readyCheck: HealthCheckResult.Unhealthy("broker unreachable"));

        var response = await host.Client.GetAsync(HealthEndpoints.Live);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_answers_503_naming_the_failing_ready_check()
    {
        await using var host = await TestHost.StartAsync(readyCheck: HealthCheckResult.Unhealthy("broker unreachable"));

        var response = await host.Client.GetAsync(HealthEndpoints.Ready);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        var check = body.RootElement.GetProperty("checks").GetProperty("bus");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Equal("broker unreachable", check.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Readiness_runs_only_checks_tagged_ready()
    {
        await using var host = await TestHost.StartAsync(readyCheck: HealthCheckResult.Healthy(), untaggedCheck: HealthCheckResult.Unhealthy());

        var response = await host.Client.GetAsync(HealthEndpoints.Ready);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["bus"], body.RootElement.GetProperty("checks").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Health_requests_are_left_out_of_traces_and_other_requests_are_traced()
    {
        await using var host = await TestHost.StartAsync(readyCheck: HealthCheckResult.Healthy());

        await host.Client.GetAsync(HealthEndpoints.Live);
        await host.Client.GetAsync(HealthEndpoints.Ready);
        await host.Client.GetAsync("/reports/42");
        await host.App.StopAsync(); // a server span ends just after its response is sent: let every request finish

        var serverPaths = host.Spans.Where(s => s.Kind == ActivityKind.Server).Select(s => s.GetTagItem("url.path"));
        Assert.Equal(["/reports/42"], serverPaths);
    }

    [Fact]
    public async Task The_service_is_named_report_saga_unless_OTEL_SERVICE_NAME_says_otherwise()
    {
        await using (var unnamed = await TestHost.StartAsync(readyCheck: HealthCheckResult.Healthy()))
        {
            Assert.Equal("report-saga", ServiceName(unnamed));
        }

        await using var named = await TestHost.StartAsync(HealthCheckResult.Healthy(), settings: new() { ["OTEL_SERVICE_NAME"] = "report-saga-eu" });
        Assert.Equal("report-saga-eu", ServiceName(named));
    }

    [Fact]
    public async Task With_OTEL_SDK_DISABLED_nothing_is_traced()
    {
        await using var host = await TestHost.StartAsync(HealthCheckResult.Healthy(), settings: new() { ["OTEL_SDK_DISABLED"] = "true" });

        var response = await host.Client.GetAsync("/reports/42");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await host.App.StopAsync();
        Assert.Empty(host.Spans);
    }

    private static object? ServiceName(TestHost host) =>
        host.App.Services.GetRequiredService<TracerProvider>().GetResource().Attributes
            .Single(attribute => attribute.Key == "service.name").Value;

    private sealed class TestHost : IAsyncDisposable
    {
        private TestHost(WebApplication app, List<Activity> spans)
        {
            App = app;
            Spans = spans;
            Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        }

        public WebApplication App { get; }
        public List<Activity> Spans { get; }
        public HttpClient Client { get; }

        public static async Task<TestHost> StartAsync(
            HealthCheckResult readyCheck, HealthCheckResult? untaggedCheck = null, Dictionary<string, string?>? settings = null)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
            builder.Configuration.AddInMemoryCollection(settings ?? []);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.AddServiceDefaults();

            var spans = new List<Activity>();
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
            var checks = builder.Services.AddHealthChecks().AddCheck("bus", () => readyCheck, tags: [HealthEndpoints.ReadyTag]);
            if (untaggedCheck is { } untagged)
            {
                checks.AddCheck("untagged", () => untagged);
            }

            var app = builder.Build();
            app.MapDefaultEndpoints();
            app.MapGet("/reports/{id}", (string id) => Results.Ok(new { id }));
            await app.StartAsync();
            return new TestHost(app, spans);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
