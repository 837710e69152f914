using ReportSaga.EndToEndBench.Infrastructure;
using ReportSaga.EndToEndBench.Runs;
using ReportSaga.EndToEndBench.Service;

namespace ReportSaga.EndToEndBench.Waiting;

/// <summary>
/// <c>--waiting N[,N…]</c>: one <see cref="WaitingRun"/> per N, each on its own virtual host and database of one
/// throwaway cluster (or the given server), then the smallest N against the largest. Exit code 1 when a run breaks,
/// a seeded report ends, no status call is made, or the service is never heard checking a seeded report.
/// </summary>
internal static class WaitingMode
{
    public static async Task<int> RunAsync(BenchOptions options, string serviceDll)
    {
        Console.WriteLine($"memory with reports waiting on the provider: {string.Join(", ", options.Waiting.Select(n => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} " +
                          $"reports, {options.Instances} instance(s), {options.Duration.TotalSeconds:0} s of polling each, Polling__MaxInterval={options.PollInterval.TotalSeconds:0} s");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {Load()} (shared with other work)");
        Console.WriteLine($"service: {serviceDll} ({ServiceBuild.Configuration}), source {ServiceBuild.SourceRevision()}");
        var results = new List<WaitingResult>();
        var failures = new List<string>();
        try
        {
            await using var ownPostgres = options.Postgres == "own" ? await ThrowawayPostgres.StartAsync() : null;
            var admin = ownPostgres?.AdminConnectionString
                        ?? (options.Postgres == "env" ? Environment.GetEnvironmentVariable("REPORTSAGA_TEST_POSTGRES") : options.Postgres)
                        ?? throw new ArgumentException("--postgres env needs REPORTSAGA_TEST_POSTGRES.");
            foreach (var waiting in options.Waiting)
            {
                Console.WriteLine();
                Console.WriteLine($"run with {waiting:N0} reports waiting:");
                var run = await WaitingRun.RunAsync(options, waiting, serviceDll, admin);
                WaitingPrinter.Print(run);
                results.Add(run);
                if (run.Ended > 0)
                    failures.Add($"{waiting:N0} waiting: {run.Ended} seeded reports ended although the provider keeps them processing.");
                if (run.StatusCalls == 0 || run.Polled == 0)
                    failures.Add($"{waiting:N0} waiting: the service made {run.StatusCalls} status calls and checked {run.Polled} seeded reports.");
            }
        }
        catch (RunFailedException e)
        {
            failures.Add(e.Message);
        }
        catch (OperationCanceledException) when (Interrupt.Token.IsCancellationRequested)
        {
            failures.Add("Interrupted before the end.");
        }
        catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or HttpRequestException or MassTransit.MassTransitException)
        {
            failures.Add(e.ToString());
        }

        if (results.Count >= 2)
        {
            var ordered = results.OrderBy(r => r.Waiting).ToList();
            WaitingPrinter.PrintComparison(ordered[0], ordered[^1]);
        }

        Console.WriteLine($"load average at the end: {Load()}");
        if (failures.Count == 0)
            return 0;
        Console.Error.WriteLine();
        Console.Error.WriteLine("BENCHMARK FAILED:");
        foreach (var failure in failures)
            Console.Error.WriteLine(failure);
        return 1;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
