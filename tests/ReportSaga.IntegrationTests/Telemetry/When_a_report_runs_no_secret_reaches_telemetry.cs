using System.Diagnostics;
using System.Text.Json;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static ReportSaga.IntegrationTests.Telemetry.TraceStory;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>
/// The whole service, logging at Debug and exporting every span and log record to a real OTLP receiver, runs a
/// report to completion (validate, submit, polls, a retry, the signed download link) with a Batch API key, a
/// RabbitMQ password and a PostgreSQL password of its own. None of them, nor the link's signature, may appear
/// anywhere the receiver stored: span attributes, events, links, status, resources, log bodies and attributes.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class When_a_report_runs_no_secret_reaches_telemetry(
    OtlpReceiverFixture receiver, InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan ReportLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExportLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Neither_the_api_key_nor_a_password_nor_the_download_signature_is_in_any_exported_span_or_log()
    {
        await using var service = await ObservedReportService.StartAsync(receiver, infrastructure, logLevel: "Debug");
        var requestId = Guid.NewGuid();

        var traceId = await service.PublishWithTraceParentAsync(new RequestReport
        {
            RequestId = requestId,
            Report = ObservedReportService.ReportBody("secrets [sim:internal_error]"),
        });
        var completed = await service.Outcomes.WaitForCompletedAsync(requestId, ReportLimit);
        await service.FlushSpansUntilAsync(async () => (await receiver.GetTraceAsync(traceId)).Any(IsCompletedPublish), ExportLimit);
        await service.StopServiceAsync();

        var signature = QueryValue(completed.DownloadUrl!, "signature");
        Assert.Matches("^[0-9a-f]{64}$", signature);
        var secrets = new Dictionary<string, string>
        {
            ["the Batch API key"] = service.ApiKey,
            ["the PostgreSQL password"] = service.Logins.PostgresPassword,
            ["the RabbitMQ password"] = service.Logins.RabbitMqPassword,
            ["the download URL's signature"] = signature,
        };

        // The search below means something only if the service's telemetry is there, including the parts where a
        // secret would travel: the provider calls (key header, signed URL in the answer), the database and broker
        // connections, and the start-up line that names both.
        var spans = await receiver.GetSpansAsync(service.ServiceName);
        var logs = await receiver.GetLogsAsync(service.ServiceName);
        output.WriteLine($"{spans.Count} spans and {logs.Count} log records exported by {service.ServiceName}");
        var simulator = service.Simulator.BaseAddress.GetLeftPart(UriPartial.Authority);
        Assert.Contains(spans, s => s.Kind == ActivityKind.Client
            && s.Attribute("url.full")?.StartsWith($"{simulator}/v3/batch/request-status/{completed.ReportId}", StringComparison.Ordinal) == true);
        Assert.Contains(spans, s => s.ScopeName == "Npgsql" && s.TraceId == traceId);
        Assert.Contains(spans, s => s.ScopeName == "MassTransit" && s.Attributes.Values.Any(v => v.Contains(service.Logins.VirtualHost, StringComparison.Ordinal)));
        Assert.Contains(logs, l => l.Body?.StartsWith("ReportSaga starting", StringComparison.Ordinal) == true
            && l.Body.Contains("postgres://", StringComparison.Ordinal) && l.Body.Contains(service.Logins.VirtualHost, StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Severity == "Debug");
        Assert.Contains(logs, l => l.TraceId == traceId);

        // Each search must reach the values it looks through: a value known to be there is found by the same walk.
        foreach (var (signal, known) in new[] { ("traces", requestId.ToString()), ("logs", service.Logins.VirtualHost) })
        {
            using var document = await receiver.GetRawJsonAsync(signal);
            Assert.NotNull(document);
            AssertAllReturned(document.RootElement, signal);
            Assert.Contains(Texts(document.RootElement, "$"), text => text.Value.Contains(known, StringComparison.Ordinal));
            var leaks = (from text in Texts(document.RootElement, "$")
                         from secret in secrets
                         where text.Value.Contains(secret.Value, StringComparison.Ordinal)
                         select $"{secret.Key} in {signal} at {text.Path}").ToList();
            Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        }
    }

    /// <summary>The receiver answered everything it holds, not the latest slice only.</summary>
    private static void AssertAllReturned(JsonElement root, string signal)
    {
        if (root.TryGetProperty("totalCount", out var total) && root.TryGetProperty("returnedCount", out var returned))
            Assert.True(total.GetInt32() == returned.GetInt32(), $"The receiver returned {returned} of {total} {signal}: raise its limit.");
    }

    /// <summary>Every property name and string value in the document, with where it is.</summary>
    private static IEnumerable<(string Path, string Value)> Texts(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                yield return (path, element.GetString()!);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    yield return (path, property.Name);
                    foreach (var text in Texts(property.Value, $"{path}.{property.Name}"))
                        yield return text;
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var text in Texts(item, $"{path}[{index}]"))
                        yield return text;
                    index++;
                }

                break;
        }
    }

    private static string QueryValue(string url, string name)
    {
        var query = new Uri(url).Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries);
        var pair = Assert.Single(query, p => p.StartsWith(name + "=", StringComparison.Ordinal));
        return Uri.UnescapeDataString(pair[(name.Length + 1)..]);
    }
}
