using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.UnitTests.Telemetry;

/// <summary>
/// <c>Telemetry__PrometheusPort</c>: the service process, started as an operator would, serves its metrics in
/// Prometheus' text format on that port, at /metrics only, and not on its main port.
/// </summary>
public sealed partial class When_prometheus_scrapes_the_service
{
    [Fact]
    public async Task The_scrape_port_serves_the_services_metrics_and_nothing_else()
    {
        var mainPort = FreePort();
        var scrapePort = FreePort();
        await using var service = await ServiceProcess.StartAsync(mainPort, new() { ["Telemetry__PrometheusPort"] = $"{scrapePort}" });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // The scheduler's and the outbox's counts are reported from their first pass on.
        var text = await Eventually.Until(
            async () => await http.GetStringAsync($"http://127.0.0.1:{scrapePort}/metrics"),
            body => body.Contains("reportsaga_outbox_backlog", StringComparison.Ordinal)
                && body.Contains("reportsaga_scheduler_backlog", StringComparison.Ordinal));

        Assert.Matches(TypeLine("reportsaga_outbox_backlog", "gauge"), text); // an up-down counter is a Prometheus gauge
        Assert.Matches(TypeLine("reportsaga_scheduler_parked", "gauge"), text);
        Assert.Matches(SampleLine("reportsaga_outbox_backlog"), text);

        var other = await http.GetAsync($"http://127.0.0.1:{scrapePort}/health/ready");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        var reports = await http.GetAsync($"http://127.0.0.1:{scrapePort}/reports/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, reports.StatusCode);

        var onMainPort = await http.GetAsync($"http://127.0.0.1:{mainPort}/metrics");
        Assert.NotEqual(HttpStatusCode.OK, onMainPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{mainPort}/health/live")).StatusCode);
    }

    [Fact]
    public async Task Without_the_setting_no_scrape_endpoint_is_served()
    {
        var mainPort = FreePort();
        await using var service = await ServiceProcess.StartAsync(mainPort, []);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        var response = await http.GetAsync($"http://127.0.0.1:{mainPort}/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // a loopback caller of a keyless development service
        Assert.DoesNotContain("reportsaga_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Regex TypeLine(string metric, string type) => new($"(?m)^# TYPE {metric} {type}$");

    private static Regex SampleLine(string metric) => new($"(?m)^{metric}(\\{{[^}}]*\\}})? \\d+(\\.\\d+)?( \\d+)?$");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The service's own binary in a process of its own, on the embedded defaults, until disposed.</summary>
    private sealed class ServiceProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly DirectoryInfo _folder;

        private ServiceProcess(Process process, DirectoryInfo folder)
        {
            _process = process;
            _folder = folder;
        }

        public ConcurrentQueue<string> Lines { get; } = new();

        public static async Task<ServiceProcess> StartAsync(int port, Dictionary<string, string> settings)
        {
            var folder = Directory.CreateTempSubdirectory("reportsaga-scrape-");
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "ReportSaga.Service.dll"), "--urls", $"http://127.0.0.1:{port}" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = folder.FullName,
            };
            start.Environment["DOTNET_ENVIRONMENT"] = "Development";
            start.Environment["Storage__SqlitePath"] = Path.Combine(folder.FullName, "reportsaga.db");
            foreach (var (key, value) in settings)
                start.Environment[key] = value;

            var service = new ServiceProcess(new Process { StartInfo = start }, folder);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            service._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                    return;
                service.Lines.Enqueue(e.Data);
                if (e.Data.Contains("Application started", StringComparison.Ordinal))
                    started.TrySetResult();
            };
            service._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) service.Lines.Enqueue(e.Data); };
            service._process.Exited += (_, _) => started.TrySetException(new InvalidOperationException(
                $"The service exited before it started:\n{string.Join('\n', service.Lines)}"));
            service._process.EnableRaisingEvents = true;
            service._process.Start();
            service._process.BeginOutputReadLine();
            service._process.BeginErrorReadLine();
            await started.Task.WaitAsync(TimeSpan.FromSeconds(90));
            return service;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
            _folder.Delete(recursive: true);
        }
    }
}
