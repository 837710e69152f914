using System.Globalization;
using ReportSaga.Benchmarks;
using ReportSaga.Simulator;

// Status-call throughput of the Batch API simulator over loopback HTTP.
//   dotnet run -c Release --project bench/ReportSaga.Benchmarks -- [--concurrency 32] [--duration 10] [--url http://127.0.0.1:5080/]
// Without --url the simulator runs in this process on a free loopback port (server and callers share the CPU).
var options = StatusLoadOptions.Parse(args);

await using var simulator = options.Target is null
    ? await SimulatorHost.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.FromMinutes(5), ApiKeys = options.ApiKey })
    : null;
var target = options.Target ?? simulator!.BaseAddress;

Console.WriteLine($"status load: {options.Concurrency} callers, {options.Duration.TotalSeconds:0} s (after {options.Warmup.TotalSeconds:0} s warm-up), " +
                  $"{options.Reports} reports, target {target} ({(simulator is null ? "external" : "in process")}), {Environment.ProcessorCount} cores");
var result = await StatusLoad.RunAsync(target, options);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"calls={result.Calls} failures={result.Failures} elapsed={result.Elapsed.TotalSeconds:0.00}s " +
    $"throughput={result.CallsPerSecond:0} calls/s p50={result.P50.TotalMilliseconds:0.00}ms p99={result.P99.TotalMilliseconds:0.00}ms"));
if (simulator is not null)
{
    Console.WriteLine($"simulator counted {simulator.State.CallCount(SimulatorEndpoint.Status)} status calls");
}

return result.Failures == 0 ? 0 : 1;
