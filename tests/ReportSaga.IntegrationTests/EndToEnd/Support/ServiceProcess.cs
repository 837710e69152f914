using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>
/// One ReportSaga service process (<c>dotnet ReportSaga.Service.dll</c>), started with the settings of
/// contract.md as environment variables and its own loopback port. Its output is kept for the test's report; it
/// can be killed with SIGKILL at any moment, and is killed on dispose whatever happened.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    // Inherited settings that would change which parts the child uses; the test gives every part explicitly.
    private static readonly string[] InheritedPrefixesToDrop =
        ["ConnectionStrings__", "BatchApi__", "Polling__", "Reports__", "Submission__", "Storage__", "RabbitMq__", "Simulator__", "Http__", "Credits__", "OTEL_"];

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly Process _process;

    private ServiceProcess(string name, Process process, Uri baseAddress, OutputTail output)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        Output = output;
    }

    /// <summary>The label the test gave it (e.g. <c>service-a#2</c>).</summary>
    public string Name { get; }

    /// <summary>Its HTTP address, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public OutputTail Output { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The test killed or disposed it (as opposed to the process ending by itself).</summary>
    public bool StoppedByTest { get; private set; }

    /// <summary>Completes when the process has exited, however; gives its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public string Describe() =>
        $"{Name} (pid {_process.Id}, {(_process.HasExited ? $"exited with {_process.ExitCode}" : "running")})";

    /// <summary>Starts the process; returns at once (see <see cref="WaitUntilReadyAsync"/>).</summary>
    public static ServiceProcess Start(string name, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(ServiceBinary.DotnetHost)
        {
            WorkingDirectory = Path.GetDirectoryName(ServiceBinary.DllPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServiceBinary.DllPath);

        foreach (var key in start.Environment.Keys.ToList())
        {
            if (InheritedPrefixesToDrop.Any(prefix => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                || key is "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT" or "ASPNETCORE_URLS")
                start.Environment.Remove(key);
        }

        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        start.Environment["ASPNETCORE_URLS"] = baseAddress.GetLeftPart(UriPartial.Authority);

        var output = OutputTail.For(name);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => output.Add("out", e.Data);
        process.ErrorDataReceived += (_, e) => output.Add("err", e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"{name}: the service process did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(name, process, baseAddress, output);
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200; fails at once if the process exits first.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (_process.HasExited)
                throw new Xunit.Sdk.XunitException($"{Describe()} exited before it was ready.");
            if (await ReadinessAsync() == HttpStatusCode.OK)
                return;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"{Describe()} was not ready within {limit}.");
            await Task.Delay(250);
        }
    }

    /// <summary>The status code of <c>GET /health/ready</c>, or null when nothing answered.</summary>
    public async Task<HttpStatusCode?> ReadinessAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(BaseAddress, "health/ready"));
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The description <c>GET /health/live</c> gives for its check named <paramref name="check"/>, or null when absent.</summary>
    public async Task<string?> LivenessCheckAsync(string check)
    {
        using var response = await Http.GetAsync(new Uri(BaseAddress, "health/live"));
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("checks").TryGetProperty(check, out var entry)
            ? entry.GetProperty("description").GetString()
            : null;
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed, unacknowledged messages go back to their queues.</summary>
    public void Kill()
    {
        StoppedByTest = true;
        if (_process.HasExited)
            return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        Output.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
