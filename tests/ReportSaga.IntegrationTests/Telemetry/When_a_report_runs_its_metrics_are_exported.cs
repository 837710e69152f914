using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Testing.Persistence;
using ReportSaga.Testing.Telemetry;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>
/// The service on RabbitMQ and PostgreSQL, exporting over OTLP/HTTP as production does, runs one report to completion
/// (through an internal_error and a retry call) and refuses another: its metrics arrive under the documented names,
/// units, kinds and attributes, and what an operator's dashboard reads (reports by state, the gate) is there.
/// </summary>
[Collection(OtlpReceiverCollection.Name)]
public sealed class When_a_report_runs_its_metrics_are_exported(OtlpReceiverFixture receiver, InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan ReportLimit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Instruments a healthy run does not record: they count a stored message the broker refused, which takes a broker
    /// that refuses one message while taking others (the parking tests make that happen and check these counters).
    /// </summary>
    private static readonly HashSet<string> RecordedOnlyOnBrokerRefusals = ["reportsaga.scheduler.failed_attempts", "reportsaga.outbox.failed_attempts"];

    /// <summary>Recorded only when the account's credits run short (the saga harness test of the account guard checks it).</summary>
    private static readonly HashSet<string> RecordedOnlyWhenCreditsRunShort = ["reportsaga.submission_gate.held"];

    [Fact]
    public async Task Every_instrument_arrives_with_its_unit_kind_and_attributes()
    {
        await using var metrics = await OtlpMetricsReceiver.StartAsync();
        await using var service = await ObservedReportService.StartAsync(receiver, infrastructure, extraSettings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = metrics.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["Telemetry:ReportsByStateInterval"] = "00:00:01",
        });
        var completed = Guid.NewGuid();
        var refused = Guid.NewGuid();

        await service.PublishWithoutTraceParentAsync(completed, ObservedReportService.ReportBody("measured [sim:internal_error] [sim:time=6s]"));
        await service.PublishWithoutTraceParentAsync(refused, ObservedReportService.ReportBody("refused [sim:validate=invalid]"));
        await service.Outcomes.WaitForCompletedAsync(completed, ReportLimit);
        await service.Outcomes.WaitForFailedAsync(refused, ReportLimit);
        await service.StopServiceAsync(); // the exporter sends what it holds

        var expected = ExportedInstruments.All
            .Where(i => !RecordedOnlyOnBrokerRefusals.Contains(i.Name) && !RecordedOnlyWhenCreditsRunShort.Contains(i.Name)).ToList();
        // The exporter's last export, sent as the service stops, can reach the receiver just after the stop returns.
        var received = await Eventually.Until(
            () => Task.FromResult(metrics.Metrics.Where(m => m.Scope == "ReportSaga").ToList()),
            got => expected.All(i => got.Any(m => m.Name == i.Name)), TimeSpan.FromSeconds(10));
        foreach (var instrument in expected)
        {
            var exported = received.Where(m => m.Name == instrument.Name).ToList();
            Assert.True(exported.Count > 0, $"{instrument.Name} never arrived in {metrics.Exports} export(s); received: " +
                string.Join(", ", metrics.Metrics.Select(m => $"{m.Scope}/{m.Name}").Distinct().Order()));
            Assert.All(exported, m => Assert.Equal((instrument.Unit, instrument.OtlpKind), (m.Unit, m.Kind)));
        }

        Assert.Empty(received.Select(m => m.Name).Distinct().Except(ExportedInstruments.All.Select(i => i.Name)));

        var finished = Points(received, "reportsaga.report.finished");
        Assert.Contains(finished, p => p["reportsaga.report.outcome"] == "completed" && !p.ContainsKey("error.type"));
        Assert.Contains(finished, p => p["reportsaga.report.outcome"] == "failed" && p.GetValueOrDefault("error.type") == ReportFailureReasons.Invalid);
        var calls = Points(received, "reportsaga.batch_api.calls");
        Assert.Contains(calls, p => p.GetValueOrDefault("reportsaga.batch_api.endpoint") == "retry" && !p.ContainsKey("error.type"));
        Assert.Contains(calls, p => p.GetValueOrDefault("reportsaga.batch_api.endpoint") == "validate" && p.GetValueOrDefault("error.type") == "invalid");

        // The counts read from the database saw the report on its way: waiting at the provider, holding a gate slot (it
        // stays there for seconds, several refreshes and exports of one second each).
        var byState = Values(received, "reportsaga.report.count", "reportsaga.report.state");
        Assert.Contains(byState, v => v.Tag == "Waiting" && v.Value > 0);
        var gate = Values(received, "reportsaga.submission_gate.report.count", "reportsaga.submission_gate.report.state");
        Assert.Contains(gate, v => v.Tag == "in_flight" && v.Value > 0);
        Assert.Contains(gate, v => v.Tag == "waiting");
        Assert.Contains(Values(received, "reportsaga.submission_gate.report.max", "none"), v => v.Value == 90);
    }

    private static List<IReadOnlyDictionary<string, string>> Points(IEnumerable<OtlpMetricsProtobuf.ExportedMetric> metrics, string name) =>
        metrics.Where(m => m.Name == name).SelectMany(m => m.Points).Select(p => p.Attributes).ToList();

    private static List<(string? Tag, long? Value)> Values(IEnumerable<OtlpMetricsProtobuf.ExportedMetric> metrics, string name, string tag) =>
        metrics.Where(m => m.Name == name).SelectMany(m => m.Points).Select(p => (p.Attributes.GetValueOrDefault(tag), p.Value)).ToList();
}
