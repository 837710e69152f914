using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>
/// A real OTLP backend for tests: the standalone Aspire dashboard from the NuGet package
/// Aspire.Dashboard.Sdk.linux-x64 (downloaded by this project's PackageDownload), started on free loopback ports.
/// Point a host at it with <see cref="ExporterSettings"/>, then read what arrived with <see cref="GetSpansAsync"/>,
/// <see cref="GetTraceAsync"/>, <see cref="WaitForTraceAsync"/> and <see cref="GetLogsAsync"/>.
/// Share one per test collection (<see cref="OtlpReceiverCollection"/>); tests keep apart by trace id or service name.
/// </summary>
public sealed class OtlpReceiverFixture : IAsyncLifetime
{
    private const string PackageId = "aspire.dashboard.sdk.linux-x64";
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The most the receiver's API answers in one query. Without a limit it answers only the latest 100 traces or
    /// 200 log records, so a search over "everything" would silently miss older telemetry.
    /// </summary>
    public const int MaxQueryCount = 10000;

    private readonly StringBuilder _output = new();
    private Process? _process;
    private HttpClient _api = null!;

    /// <summary>OTLP over gRPC (the exporter's default protocol), e.g. http://127.0.0.1:41234.</summary>
    public Uri OtlpEndpoint { get; private set; } = null!;

    /// <summary>OTLP over HTTP/protobuf; exporters append /v1/traces, /v1/logs, /v1/metrics.</summary>
    public Uri OtlpHttpEndpoint { get; private set; } = null!;

    /// <summary>The dashboard's UI and JSON API (<c>/api/telemetry/traces</c>, <c>/logs</c>, <c>/resources</c>).</summary>
    public Uri ApiBaseAddress { get; private set; } = null!;

    /// <summary>What the receiver printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// The OpenTelemetry settings that send a host's telemetry here, as configuration keys
    /// (add them with <c>builder.Configuration.AddInMemoryCollection</c>, or as environment variables of a child process).
    /// </summary>
    /// <param name="serviceName">OTEL_SERVICE_NAME; a unique one per test lets <see cref="GetSpansAsync"/> filter.</param>
    /// <param name="protocol"><c>grpc</c> or <c>http/protobuf</c>.</param>
    public Dictionary<string, string?> ExporterSettings(string serviceName, string protocol = "grpc") => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = (protocol == "grpc" ? OtlpEndpoint : OtlpHttpEndpoint).ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
        ["OTEL_SERVICE_NAME"] = serviceName,
    };

    public async Task InitializeAsync()
    {
        var executable = FindExecutable();
        var ports = FreePorts(3);
        ApiBaseAddress = new Uri($"http://127.0.0.1:{ports[0]}");
        OtlpEndpoint = new Uri($"http://127.0.0.1:{ports[1]}");
        OtlpHttpEndpoint = new Uri($"http://127.0.0.1:{ports[2]}");

        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.GetDirectoryName(executable)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The receiver must not pick up the test process's own OpenTelemetry or ASP.NET settings.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_URLS"] = ApiBaseAddress.ToString();
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = OtlpEndpoint.ToString();
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = OtlpHttpEndpoint.ToString();
        start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        start.Environment["DOTNET_NOLOGO"] = "1";

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        _api = new HttpClient { BaseAddress = ApiBaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await WaitUntilServingAsync();
    }

    public async Task DisposeAsync()
    {
        _api?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    /// <summary>Every span received so far, or only those of one service (an unknown service gives none).</summary>
    public async Task<IReadOnlyList<ExportedSpan>> GetSpansAsync(string? serviceName = null, CancellationToken cancellationToken = default)
    {
        var path = $"api/telemetry/traces?limit={MaxQueryCount}" + (serviceName is null ? "" : $"&resource={Uri.EscapeDataString(serviceName)}");
        using var document = await GetJsonAsync(path, cancellationToken);
        return document is null ? [] : OtlpJson.ReadSpans(document.RootElement);
    }

    /// <summary>The spans of one trace received so far; none when the trace is unknown.</summary>
    /// <param name="traceId">32 hex digits (<c>ActivityTraceId.ToHexString()</c>).</param>
    public async Task<IReadOnlyList<ExportedSpan>> GetTraceAsync(string traceId, CancellationToken cancellationToken = default)
    {
        using var document = await GetJsonAsync($"api/telemetry/traces/{Uri.EscapeDataString(traceId)}", cancellationToken);
        return document is null ? [] : OtlpJson.ReadSpans(document.RootElement);
    }

    /// <summary>
    /// Polls the trace until <paramref name="isComplete"/> holds (by default: at least one span), since exporters
    /// send in batches. Throws TimeoutException listing what did arrive when it does not happen in time.
    /// </summary>
    public async Task<IReadOnlyList<ExportedSpan>> WaitForTraceAsync(
        string traceId, Func<IReadOnlyList<ExportedSpan>, bool>? isComplete = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        isComplete ??= spans => spans.Count > 0;
        return await PollAsync(() => GetTraceAsync(traceId, cancellationToken), isComplete, $"trace {traceId}", timeout, cancellationToken);
    }

    /// <summary>Polls one service's spans until <paramref name="isComplete"/> holds; see <see cref="WaitForTraceAsync"/>.</summary>
    public async Task<IReadOnlyList<ExportedSpan>> WaitForSpansAsync(
        string serviceName, Func<IReadOnlyList<ExportedSpan>, bool> isComplete, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await PollAsync(() => GetSpansAsync(serviceName, cancellationToken), isComplete, $"spans of {serviceName}", timeout, cancellationToken);

    /// <summary>Every log record received so far, or only those of one service.</summary>
    public async Task<IReadOnlyList<ExportedLog>> GetLogsAsync(string? serviceName = null, CancellationToken cancellationToken = default)
    {
        var path = $"api/telemetry/logs?limit={MaxQueryCount}" + (serviceName is null ? "" : $"&resource={Uri.EscapeDataString(serviceName)}");
        using var document = await GetJsonAsync(path, cancellationToken);
        return document is null ? [] : OtlpJson.ReadLogs(document.RootElement);
    }

    /// <summary>
    /// Everything the receiver holds of one signal ("traces" or "logs"), as the JSON its API answers (OTLP's JSON
    /// encoding: attributes, events, links, resource, bodies); null when it holds none. For searches that must not
    /// depend on which fields <see cref="ExportedSpan"/> and <see cref="ExportedLog"/> read.
    /// </summary>
    public Task<JsonDocument?> GetRawJsonAsync(string signal, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"api/telemetry/{Uri.EscapeDataString(signal)}?limit={MaxQueryCount}", cancellationToken);

    /// <summary>Polls one service's logs until <paramref name="isComplete"/> holds.</summary>
    public async Task<IReadOnlyList<ExportedLog>> WaitForLogsAsync(
        string serviceName, Func<IReadOnlyList<ExportedLog>, bool> isComplete, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await PollAsync(() => GetLogsAsync(serviceName, cancellationToken), isComplete, $"logs of {serviceName}", timeout, cancellationToken);

    private async Task<IReadOnlyList<T>> PollAsync<T>(
        Func<Task<IReadOnlyList<T>>> read, Func<IReadOnlyList<T>, bool> isComplete, string what, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var items = await read();
            if (isComplete(items))
            {
                return items;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The OTLP receiver did not get the expected {what}. It has:\n  {string.Join("\n  ", items)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>The API's JSON, or null on 404 (it answers 404 for an unknown trace or service).</summary>
    private async Task<JsonDocument?> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _api.GetAsync(path, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
    }

    private async Task WaitUntilServingAsync()
    {
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"The OTLP receiver exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await _api.GetAsync("api/telemetry/resources");
                if (response.IsSuccessStatusCode && Output.Contains("OTLP/gRPC listening", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The OTLP receiver did not start within {StartupTimeout}:\n{Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>tools/Aspire.Dashboard in the NuGet packages folder this project restored into, made executable.</summary>
    private static string FindExecutable()
    {
        var metadata = typeof(OtlpReceiverFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .ToDictionary(a => a.Key, a => a.Value);
        var version = metadata.GetValueOrDefault("AspireDashboardVersion")
            ?? throw new InvalidOperationException("AspireDashboardVersion is missing from the test assembly's metadata.");
        var roots = new[]
        {
            metadata.GetValueOrDefault("NuGetPackageRoot"),
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };

        foreach (var root in roots.Where(r => !string.IsNullOrEmpty(r)))
        {
            var executable = Path.Combine(root!, PackageId, version, "tools", "Aspire.Dashboard");
            if (File.Exists(executable))
            {
                const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
                // The package is linux-x64 only; NuGet extracts it without the execute bit on some set-ups.
                if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(executable) & UnixFileMode.UserExecute) == 0)
                {
                    File.SetUnixFileMode(executable, File.GetUnixFileMode(executable) | execute);
                }

                return executable;
            }
        }

        throw new FileNotFoundException(
            $"The OTLP receiver ({PackageId} {version}, tools/Aspire.Dashboard) is not in any NuGet packages folder " +
            $"({string.Join(", ", roots.Where(r => !string.IsNullOrEmpty(r)))}). Restore tests/ReportSaga.IntegrationTests first.");
    }

    /// <summary>Ports the OS hands out as free; released at once for the receiver to bind (a small, accepted race).</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
