using System.Globalization;

namespace ReportSaga.Benchmarks;

/// <summary>Command line of the status-call load loop.</summary>
internal sealed record StatusLoadOptions(int Concurrency, TimeSpan Duration, TimeSpan Warmup, int Reports, Uri? Target, string ApiKey)
{
    public static StatusLoadOptions Parse(string[] args)
    {
        var options = new StatusLoadOptions(32, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), 100, null, "demo-key");
        for (var i = 0; i < args.Length - 1; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--concurrency" => options with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--reports" => options with { Reports = int.Parse(value, CultureInfo.InvariantCulture) },
                "--url" => options with { Target = new Uri(value) },
                "--api-key" => options with { ApiKey = value },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --concurrency N --duration S --warmup S --reports N --url http://127.0.0.1:PORT/ --api-key K"),
            };
        }

        // Load goes to this machine only.
        if (options.Target is { IsLoopback: false })
        {
            throw new ArgumentException("--url must be a loopback address (127.0.0.1 or localhost).");
        }

        return options;
    }
}
