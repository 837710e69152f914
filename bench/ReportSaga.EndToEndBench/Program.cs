using ReportSaga.EndToEndBench;
using ReportSaga.EndToEndBench.Infrastructure;
using ReportSaga.EndToEndBench.Report;
using ReportSaga.EndToEndBench.Runs;
using ReportSaga.EndToEndBench.Service;
using ReportSaga.EndToEndBench.Waiting;

// End-to-end throughput: N reports through the real service processes on RabbitMQ and PostgreSQL, then the same
// pipeline in memory as the upper bound. See docs/benchmarks.md ("End to end").
//   dotnet build -c Release bench/ReportSaga.EndToEndBench
//   dotnet bench/ReportSaga.EndToEndBench/bin/Release/net10.0/ReportSaga.EndToEndBench.dll [--reports 2000] [--instances 2] ...
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

Interrupt.OnCtrlC();
var serviceDll = options.ServiceDll ?? ServiceBuild.Locate();
if (options.Waiting.Count > 0)
    return await WaitingMode.RunAsync(options, serviceDll);
Console.WriteLine($"end-to-end benchmark: {options.Reports:N0} reports{(options.Warmup > 0 ? $" after {options.Warmup:N0} not counted (warm-up)" : "")}, {options.Instances} instance(s), Submission__MaxInFlight={options.MaxInFlight}, " +
                  $"in-memory bound {(options.SkipInMemory ? "skipped" : "included")}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()} (shared with other work: figures are lower bounds)");
Console.WriteLine($"service: {serviceDll} ({ServiceBuild.Configuration}), source {ServiceBuild.SourceRevision()}");

var failures = new List<string>();
try
{
    RunResult service;
    await using (var ownPostgres = options.Postgres == "own" ? await ThrowawayPostgres.StartAsync() : null)
    {
        var admin = ownPostgres?.AdminConnectionString
                    ?? (options.Postgres == "env" ? Environment.GetEnvironmentVariable("REPORTSAGA_TEST_POSTGRES") : options.Postgres)
                    ?? throw new ArgumentException("--postgres env needs REPORTSAGA_TEST_POSTGRES.");
        Console.WriteLine(ownPostgres is null
            ? "database: the given PostgreSQL server"
            : "database: a throwaway PostgreSQL cluster of the benchmark's own (pg_stat_statements preloaded)");
        Console.WriteLine();
        Console.WriteLine("real service run:");
        service = await ServiceRun.RunAsync(options, serviceDll, admin);
    }

    ResultPrinter.Print(service, options);
    Check(service);

    if (!options.SkipInMemory)
    {
        Console.WriteLine();
        Console.WriteLine("in-memory run (same state machines and consumers, in this process):");
        var inMemory = await InMemoryRun.RunAsync(options);
        ResultPrinter.Print(inMemory, options);
        Check(inMemory);
        ResultPrinter.PrintRatio(service, inMemory);
    }

    Console.WriteLine($"load average at the end: {LoadAverage()}");
}
catch (RunFailedException e)
{
    failures.Add(e.Message);
}
catch (OperationCanceledException) when (Interrupt.Token.IsCancellationRequested)
{
    failures.Add("Interrupted before the end: no figures.");
}
catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or HttpRequestException or MassTransit.MassTransitException)
{
    // Set-up or measurement broke (servers, build output): say what, with where.
    failures.Add(e.ToString());
}

if (failures.Count == 0)
    return 0;
Console.Error.WriteLine();
Console.Error.WriteLine("BENCHMARK FAILED:");
foreach (var failure in failures)
    Console.Error.WriteLine(failure);
return 1;

void Check(RunResult run)
{
    if (run.Problems.Any)
        failures.Add($"{run.Title}: {run.Problems.Describe()}");
    if (run.Order.SubmittedMoreThanOnce > 0)
        failures.Add($"{run.Title}: the provider created {run.Order.SubmittedMoreThanOnce} reports a second time.");
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
