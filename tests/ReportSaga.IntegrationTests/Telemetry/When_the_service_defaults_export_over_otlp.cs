using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using ReportSaga.Orchestration.Telemetry;
using ReportSaga.Service.Defaults;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>
/// A host with the service defaults, pointed at a real OTLP receiver by the OTEL_* settings alone, records a saga
/// step that makes an HTTP call and logs. The receiver gets one trace: the step as root, the HTTP call as its
/// child, the log record in the same trace.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class When_the_service_defaults_export_over_otlp(OtlpReceiverFixture receiver)
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task A_step_and_its_http_call_arrive_as_parent_and_child_of_one_trace(string protocol)
    {
        var serviceName = $"report-saga-otlp-test-{Guid.NewGuid():N}";
        var requestId = Guid.NewGuid();
        using var host = await StartHostAsync(serviceName, protocol);

        string traceId;
        string stepSpanId;
        using (var step = ReportSagaTelemetry.StartStep("report status-check", requestId, reportId: "report-17"))
        {
            Assert.NotNull(step);
            traceId = step.TraceId.ToHexString();
            stepSpanId = step.SpanId.ToHexString();
            var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
            using var response = await http.GetAsync(new Uri(receiver.ApiBaseAddress, "api/telemetry/resources?signature=not-for-traces"));
            response.EnsureSuccessStatusCode();
        }

        host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        var spans = await receiver.WaitForTraceAsync(traceId, arrived => arrived.Count >= 2);

        var root = Assert.Single(spans, span => span.IsRoot);
        Assert.Equal("report status-check", root.Name);
        Assert.Equal(stepSpanId, root.SpanId);
        Assert.Equal(serviceName, root.ServiceName);
        Assert.Equal(ReportSagaTelemetry.SourceName, root.ScopeName);
        Assert.Equal(requestId.ToString(), root.Attribute(ReportSagaTags.RequestId));
        Assert.Equal("report-17", root.Attribute(ReportSagaTags.ReportId));

        var call = Assert.Single(spans, span => span.Kind == ActivityKind.Client);
        Assert.Equal(root.SpanId, call.ParentSpanId);
        Assert.Equal(traceId, call.TraceId);
        Assert.Equal(new Uri(receiver.ApiBaseAddress, "api/telemetry/resources").ToString(), call.Attribute("url.full"));
        Assert.Equal("200", call.Attribute("http.response.status_code"));
    }

    [Fact]
    public async Task A_log_written_during_a_step_arrives_with_that_steps_trace_id()
    {
        var serviceName = $"report-saga-otlp-test-{Guid.NewGuid():N}";
        using var host = await StartHostAsync(serviceName, "grpc");
        var logger = host.Services.GetRequiredService<ILogger<When_the_service_defaults_export_over_otlp>>();

        string traceId;
        using (var step = ReportSagaTelemetry.StartStep("report submit", Guid.NewGuid()))
        {
            traceId = step!.TraceId.ToHexString();
            logger.LogInformation("Submitting report {ReportName}", "monthly-traffic");
        }

        host.Services.GetService<LoggerProvider>()?.ForceFlush();
        var logs = await receiver.WaitForLogsAsync(serviceName, arrived => arrived.Any(l => l.Body?.Contains("monthly-traffic") == true));

        var log = Assert.Single(logs, l => l.Body?.Contains("monthly-traffic") == true);
        Assert.Equal(traceId, log.TraceId);
        Assert.Equal("monthly-traffic", log.Attributes["ReportName"]);
    }

    private async Task<IHost> StartHostAsync(string serviceName, string protocol)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(receiver.ExporterSettings(serviceName, protocol));
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
