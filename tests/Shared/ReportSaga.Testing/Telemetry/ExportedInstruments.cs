namespace ReportSaga.Testing.Telemetry;

/// <summary>
/// Every instrument the service itself exports (meters named <c>ReportSaga…</c>), with its type and unit: the one list
/// that the unit tests hold the running service (<c>The_exported_instruments</c>), docs/operations.md ("Metrics") and the
/// dashboard and alert rules (<c>ObservabilityConfigTests</c>) to, and the integration test finds over OTLP after a report
/// runs. A new instrument is one more row here and in that table; a rename shows up as a change to both.
/// </summary>
public static class ExportedInstruments
{
    public static readonly IReadOnlyList<Instrument> All =
    [
        // Orchestration: ReportSagaTelemetry.
        new("reportsaga.report.started", "counter", "{report}"),
        new("reportsaga.report.finished", "counter", "{report}"),
        new("reportsaga.report.duration", "histogram", "s"),
        new("reportsaga.report.polls", "histogram", "{poll}"),
        new("reportsaga.report.count", "observable up-down counter", "{report}"),
        new("reportsaga.batch_api.calls", "counter", "{call}"),
        new("reportsaga.credit.estimated", "counter", "{credit}"),
        new("reportsaga.credit.used", "counter", "{credit}"),
        new("reportsaga.submission_gate.report.count", "observable up-down counter", "{report}"),
        new("reportsaga.submission_gate.report.max", "observable up-down counter", "{report}"),
        new("reportsaga.submission_gate.held", "counter", "{report}"),
        new("reportsaga.credit.remaining", "observable gauge", "{credit}"),
        new("reportsaga.requester.report.count", "observable up-down counter", "{report}"),
        new("reportsaga.requester.credit.spent", "observable gauge", "{credit}"),

        // Persistence: PersistenceTelemetry.
        new("reportsaga.scheduler.lag", "histogram", "s"),
        new("reportsaga.scheduler.backlog", "observable up-down counter", "{message}"),
        new("reportsaga.scheduler.parked", "observable up-down counter", "{message}"),
        new("reportsaga.scheduler.failed_attempts", "counter", "{attempt}"),
        new("reportsaga.outbox.backlog", "observable up-down counter", "{message}"),
        new("reportsaga.outbox.parked", "observable up-down counter", "{message}"),
        new("reportsaga.outbox.failed_attempts", "counter", "{attempt}"),
    ];

    /// <summary>One instrument: its OpenTelemetry name, its kind as docs/operations.md writes it, and its UCUM unit.</summary>
    public sealed record Instrument(string Name, string Kind, string Unit)
    {
        /// <summary>Its kind as OTLP carries it (a monotonic or non-monotonic sum, a histogram, a gauge): whether it is observed or recorded does not show.</summary>
        public string OtlpKind => Kind.Replace("observable ", "", StringComparison.Ordinal);

        /// <summary>
        /// The name Prometheus stores it under, as the OpenTelemetry Collector's and the .NET exporter translate it: dots
        /// to underscores, the unit appended when it is a real unit (<c>s</c> → <c>_seconds</c>; <c>{report}</c> is
        /// an annotation and is dropped), and <c>_total</c> for a monotonic counter.
        /// </summary>
        public string PrometheusName
        {
            get
            {
                var name = Name.Replace('.', '_');
                if (Unit == "s")
                    name += "_seconds";
                return Kind is "counter" or "observable counter" ? name + "_total" : name;
            }
        }

        /// <summary>The series Prometheus keeps for it: a histogram's _bucket, _sum and _count, otherwise the one name.</summary>
        public IEnumerable<string> PrometheusSeries => Kind == "histogram"
            ? [PrometheusName + "_bucket", PrometheusName + "_sum", PrometheusName + "_count"]
            : [PrometheusName];
    }

    /// <summary>The kind words used in the docs for a System.Diagnostics.Metrics instrument type.</summary>
    public static string KindOf(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument.GetType().Name.Split('`')[0] switch
        {
            "Counter" => "counter",
            "UpDownCounter" => "up-down counter",
            "Histogram" => "histogram",
            "Gauge" => "gauge",
            "ObservableCounter" => "observable counter",
            "ObservableUpDownCounter" => "observable up-down counter",
            "ObservableGauge" => "observable gauge",
            var other => other,
        };
}
