using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ReportSaga.Testing.Telemetry;

namespace ReportSaga.UnitTests.Deploy;

/// <summary>
/// deploy/observability: the collector's pipelines are whole, Prometheus' configuration and alert rules pass promtool
/// (and the rules' own unit tests), and the dashboard and the rules query only metrics that are really exported,
/// under their Prometheus names, with labels that exist.
/// </summary>
public sealed partial class ObservabilityConfigTests
{
    private static readonly string Folder = RepositoryRoot.File("deploy", "observability");
    private static readonly Yaml.Map Collector = Yaml.Load(Path.Combine(Folder, "otel-collector.yaml"));
    private static readonly Yaml.Map Compose = Yaml.Load(RepositoryRoot.File("docker-compose.yml")).MapAt("services");

    /// <summary>Series from elsewhere that the dashboard and the rules may read: RabbitMQ's queue depths, Prometheus' own.</summary>
    private static readonly HashSet<string> ExternalSeries = ["rabbitmq_detailed_queue_messages", "up"];

    /// <summary>Labels a query may use: the service's attributes under their Prometheus names, and Prometheus' own.</summary>
    private static readonly HashSet<string> KnownLabels =
    [
        "reportsaga_report_outcome", "error_type", "reportsaga_batch_api_endpoint", "reportsaga_report_state",
        "reportsaga_submission_gate_report_state", "le", "job", "instance", "queue", "vhost",
    ];

    [Fact]
    public void Every_collector_pipeline_uses_only_receivers_processors_and_exporters_it_defines()
    {
        var service = Collector.MapAt("service");
        var pipelines = service.MapAt("pipelines");
        Assert.Equal(["logs", "metrics", "traces"], pipelines.Keys.Order());
        foreach (var name in pipelines.Keys)
        {
            var pipeline = pipelines.MapAt(name);
            foreach (var kind in new[] { "receivers", "processors", "exporters" })
            {
                foreach (var component in pipeline.ListAt(kind).Cast<string>())
                    Assert.True(Collector.MapAt(kind).Has(component), $"pipeline {name} uses {kind[..^1]} {component}, which is not defined");
            }

            // The memory limiter must come first to protect the collector; batching before export.
            Assert.Equal("memory_limiter", pipeline.ListAt("processors")[0]);
        }

        foreach (var extension in service.ListAt("extensions").Cast<string>())
            Assert.True(Collector.MapAt("extensions").Has(extension), $"extension {extension} is not defined");
    }

    [Fact]
    public void The_collector_sends_traces_to_jaeger_and_metrics_to_the_endpoint_prometheus_scrapes()
    {
        var pipelines = Collector.Path("service.pipelines");
        var traceExporter = Assert.Single(pipelines.MapAt("traces").ListAt("exporters").Cast<string>());
        Assert.StartsWith("otlp", traceExporter);
        Assert.Equal("${env:JAEGER_OTLP_ENDPOINT}", Collector.MapAt("exporters").MapAt(traceExporter).StringAt("endpoint"));
        Assert.Equal("jaeger:4317", Compose.MapAt("otel-collector").MapAt("environment").StringAt("JAEGER_OTLP_ENDPOINT"));

        var metricsExporter = Assert.Single(pipelines.MapAt("metrics").ListAt("exporters").Cast<string>());
        Assert.Equal("prometheus", metricsExporter);
        var port = Collector.MapAt("exporters").MapAt("prometheus").StringAt("endpoint").Split(':')[^1];
        Assert.Contains($"otel-collector:{port}", ScrapeTargets("report-saga"));
        Assert.Contains($"otel-collector:{Collector.Path("service.telemetry.metrics").StringAt("address").Split(':')[^1]}", ScrapeTargets("otel-collector"));

        // Both OTLP protocols are received on the ports the replicas and the compose file use.
        var protocols = Collector.Path("receivers.otlp.protocols");
        Assert.EndsWith(":4317", protocols.MapAt("grpc").StringAt("endpoint"));
        Assert.EndsWith(":4318", protocols.MapAt("http").StringAt("endpoint"));
    }

    [Fact]
    public void Compose_runs_the_collector_prometheus_and_grafana_on_the_shipped_files_and_the_replicas_send_to_the_collector()
    {
        Assert.Contains("./deploy/observability/otel-collector.yaml:/etc/otelcol-contrib/config.yaml:ro", Compose.MapAt("otel-collector").ListAt("volumes").Cast<string>());
        Assert.Contains("./deploy/observability/prometheus:/etc/prometheus:ro", Compose.MapAt("prometheus").ListAt("volumes").Cast<string>());
        Assert.Contains("--config.file=/etc/prometheus/prometheus.yml", Compose.MapAt("prometheus").ListAt("command").Cast<string>());
        var grafanaVolumes = Compose.MapAt("grafana").ListAt("volumes").Cast<string>().ToList();
        Assert.Contains("./deploy/observability/grafana/provisioning:/etc/grafana/provisioning:ro", grafanaVolumes);
        Assert.Contains("./deploy/observability/grafana/dashboards:/var/lib/grafana/dashboards:ro", grafanaVolumes);
        var provider = Assert.Single(Yaml.Load(Path.Combine(Folder, "grafana", "provisioning", "dashboards", "dashboards.yaml")).MapsAt("providers"));
        Assert.Equal("/var/lib/grafana/dashboards", provider.MapAt("options").StringAt("path"));

        foreach (var replica in new[] { "report-saga-1", "report-saga-2" })
            Assert.Equal("http://otel-collector:4317", Compose.MapAt(replica).MapAt("environment").StringAt("OTEL_EXPORTER_OTLP_ENDPOINT"));
        // Prometheus and Grafana report their health (the collector's image has no shell to run a check in).
        foreach (var name in new[] { "prometheus", "grafana", "jaeger" })
            Assert.True(Compose.MapAt(name).Has("healthcheck"), $"{name} has no health check");
    }

    [Fact]
    public void Prometheus_accepts_its_configuration_and_alert_rules_and_the_rules_pass_their_unit_tests()
    {
        var prometheus = Path.Combine(Folder, "prometheus");

        Promtool(prometheus, "check", "config", "prometheus.yml");
        Promtool(prometheus, "check", "rules", "alerts.yml");
        Promtool(prometheus, "test", "rules", "alerts.test.yml");
    }

    [Fact]
    public void The_alert_rules_the_issue_asks_for_are_there()
    {
        var alerts = AlertRules().Select(rule => rule.StringAt("alert")).ToList();

        Assert.Contains("ReportSagaErrorQueueNotEmpty", alerts);
        Assert.Contains("ReportSagaSchedulerLagHigh", alerts);
        Assert.Contains("ReportSagaNoCompletionWhileReportsWait", alerts);
        Assert.Contains("ReportSagaProviderUnauthorized", alerts);
        // Every alert is documented for the operator who is paged by it.
        var guide = File.ReadAllText(RepositoryRoot.File("docs", "operations.md"));
        Assert.All(alerts, alert => Assert.Contains($"`{alert}`", guide, StringComparison.Ordinal));
    }

    [Fact]
    public void The_alert_rules_query_only_exported_metrics_and_known_labels()
    {
        foreach (var rule in AlertRules())
            AssertQueriesExported($"alert {rule.StringAt("alert")}", rule.StringAt("expr"));
    }

    [Fact]
    public void The_dashboard_queries_only_exported_metrics_and_known_labels_on_the_provisioned_data_source()
    {
        var datasources = Yaml.Load(Path.Combine(Folder, "grafana", "provisioning", "datasources", "datasources.yaml")).MapsAt("datasources");
        var prometheusUid = Assert.Single(datasources, d => d.StringAt("type") == "prometheus").StringAt("uid");

        var panels = DashboardPanels().ToList();
        Assert.NotEmpty(panels);
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            Assert.Equal(prometheusUid, panel.GetProperty("datasource").GetProperty("uid").GetString());
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.True(targets.Count > 0, $"panel {title} has no query");
            foreach (var target in targets)
            {
                Assert.Equal(prometheusUid, target.GetProperty("datasource").GetProperty("uid").GetString());
                AssertQueriesExported($"panel {title}", target.GetProperty("expr").GetString()!);
            }
        }
    }

    [Fact]
    public void The_dashboard_shows_what_an_operator_needs()
    {
        var queries = string.Join('\n', DashboardPanels().SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()));

        foreach (var metric in new[]
        {
            "reportsaga_report_started_total", "reportsaga_report_finished_total", "reportsaga_report_count",
            "reportsaga_submission_gate_report_count", "reportsaga_submission_gate_report_max", "reportsaga_batch_api_calls_total",
            "reportsaga_credit_estimated_total", "reportsaga_credit_used_total", "reportsaga_report_duration_seconds_bucket",
            "reportsaga_scheduler_lag_seconds_bucket", "reportsaga_outbox_backlog", "rabbitmq_detailed_queue_messages",
        })
            Assert.Contains(metric, queries, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_gets_the_same_collector_configuration_dashboard_and_rules_as_config_maps()
    {
        var kustomization = Yaml.Load(Path.Combine(Folder, "kustomization.yaml"));
        var generated = kustomization.MapsAt("configMapGenerator")
            .ToDictionary(g => g.StringAt("name"), g => g.ListAt("files").Cast<string>().ToList());

        Assert.Equal(["otel-collector.yaml"], generated["otel-collector-config"]);
        Assert.Equal(["grafana/dashboards/report-saga.json"], generated["report-saga-dashboard"]);
        Assert.Equal(["prometheus/alerts.yml"], generated["report-saga-prometheus-rules"]);
        // The service's pods send OTLP to the collector in namespace observability, which this kustomization targets.
        Assert.Equal("observability", kustomization.StringAt("namespace"));
        var config = Yaml.Load(RepositoryRoot.File("deploy", "k8s", "configmap.yaml")).MapAt("data");
        Assert.StartsWith("http://otel-collector.observability.", config.StringAt("OTEL_EXPORTER_OTLP_ENDPOINT"));
    }

    [Fact]
    public void The_opt_in_scrape_component_sets_the_port_exposes_it_and_lets_only_prometheus_in()
    {
        var component = RepositoryRoot.File("deploy", "k8s", "components", "prometheus-scrape");
        var port = Yaml.Load(Path.Combine(component, "configmap-patch.yaml")).MapAt("data").StringAt("Telemetry__PrometheusPort");
        var container = Assert.Single(Yaml.Load(Path.Combine(component, "deployment-patch.yaml")).Path("spec.template.spec").MapsAt("containers"));
        var containerPort = Assert.Single(container.MapsAt("ports"));
        Assert.Equal(port, containerPort.StringAt("containerPort"));
        var rule = Assert.Single(Yaml.Load(Path.Combine(component, "networkpolicy.yaml")).Path("spec").MapsAt("ingress"));
        Assert.Equal(containerPort.StringAt("name"), Assert.Single(rule.MapsAt("ports")).StringAt("port"));
        // Off unless the component is added: the shipped ConfigMap sets no port.
        Assert.False(Yaml.Load(RepositoryRoot.File("deploy", "k8s", "configmap.yaml")).MapAt("data").Has("Telemetry__PrometheusPort"));
    }

    /// <summary>The metric names and label names a PromQL expression uses, each checked against what is exported.</summary>
    private static void AssertQueriesExported(string where, string expression)
    {
        var exported = ExportedInstruments.All.SelectMany(i => i.PrometheusSeries).Concat(ExternalSeries).ToHashSet();
        var (metrics, labels) = PromQl.NamesIn(expression);

        Assert.True(metrics.Count > 0, $"{where}: no metric in {expression}");
        foreach (var metric in metrics)
            Assert.True(exported.Contains(metric), $"{where} queries {metric}, which nothing exports (expression: {expression})");
        foreach (var label in labels)
            Assert.True(KnownLabels.Contains(label), $"{where} uses the label {label}, which no exported series has (expression: {expression})");
    }

    private static IEnumerable<Yaml.Map> AlertRules() =>
        Yaml.Load(Path.Combine(Folder, "prometheus", "alerts.yml")).MapsAt("groups").SelectMany(group => group.MapsAt("rules"));

    private static IEnumerable<JsonElement> DashboardPanels()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "grafana", "dashboards", "report-saga.json")));
        return document.RootElement.GetProperty("panels").EnumerateArray()
            .Where(panel => panel.GetProperty("type").GetString() != "row")
            .Select(panel => panel.Clone()).ToList();
    }

    private static List<string> ScrapeTargets(string job)
    {
        var config = Assert.Single(Yaml.Load(Path.Combine(Folder, "prometheus", "prometheus.yml")).MapsAt("scrape_configs"), c => c.StringAt("job_name") == job);
        return config.MapsAt("static_configs").SelectMany(c => c.ListAt("targets").Cast<string>()).ToList();
    }

    /// <summary>Runs Prometheus' promtool (Debian package prometheus, installed by scripts/test.sh) and fails with its output.</summary>
    private static void Promtool(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("promtool is not installed: apt-get install prometheus (scripts/test.sh does).");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"promtool {string.Join(' ', arguments)} failed:\n{output.Result}\n{error.Result}");
        }
    }

    /// <summary>Enough of PromQL to tell metric names from label names, functions and keywords.</summary>
    private static partial class PromQl
    {
        private static readonly HashSet<string> Words =
        [
            "sum", "max", "min", "avg", "count", "rate", "increase", "irate", "histogram_quantile", "vector", "by", "without",
            "on", "ignoring", "and", "or", "unless", "group_left", "group_right", "label_replace", "clamp_min", "offset",
            "abs", "delta", "deriv", "time", "scalar", "topk", "bottomk", "quantile", "avg_over_time", "max_over_time",
        ];

        public static (List<string> Metrics, List<string> Labels) NamesIn(string expression)
        {
            var labels = new List<string>();
            var text = Strings().Replace(expression, "\"\"");
            foreach (Match grouping in Grouping().Matches(text))
                labels.AddRange(grouping.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            text = Grouping().Replace(text, " ");
            foreach (Match selector in Selector().Matches(text))
                labels.AddRange(LabelMatcher().Matches(selector.Value).Select(m => m.Groups["label"].Value));
            text = Selector().Replace(text, " ");
            text = Range().Replace(text, " ");
            var metrics = Identifier().Matches(text).Select(m => m.Value).Where(word => !Words.Contains(word)).Distinct().ToList();
            return (metrics, labels.Distinct().ToList());
        }

        [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
        private static partial Regex Strings();

        [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\((?<labels>[^)]*)\)")]
        private static partial Regex Grouping();

        [GeneratedRegex(@"\{[^}]*\}")]
        private static partial Regex Selector();

        [GeneratedRegex(@"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)")]
        private static partial Regex LabelMatcher();

        [GeneratedRegex(@"\[[^\]]*\]")]
        private static partial Regex Range();

        [GeneratedRegex(@"(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\w(])")]
        private static partial Regex Identifier();
    }
}
