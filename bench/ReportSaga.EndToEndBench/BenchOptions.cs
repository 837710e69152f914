using System.Globalization;

namespace ReportSaga.EndToEndBench;

/// <summary>The benchmark's command line. Servers default to the integration tests' variables, then to local defaults.</summary>
internal sealed record BenchOptions
{
    public const string Usage =
        "Options: --reports N (2000) --warmup N (0) --instances N (1) --max-in-flight N (100000) --skip-inmemory " +
        "--rabbitmq amqp://user:pass@127.0.0.1:5672/ --rabbitmq-management http://user:pass@127.0.0.1:15672/ " +
        "--postgres own|env|\"Host=…\" (own) --stall-limit SECONDS (180) --service-dll PATH --set Key=Value (a service setting; repeatable); " +
        "memory with reports waiting: --waiting N[,N…] (e.g. 1000,50000) --duration SECONDS (300) --poll-interval SECONDS (120)";

    public int Reports { get; init; } = 2_000;

    /// <summary>
    /// Reports run through first and not counted: the service's code starts cold (tier-0 JIT), which a long-running
    /// service has left behind; 0 measures from cold, as the earlier figures did.
    /// </summary>
    public int Warmup { get; init; }

    public int Instances { get; init; } = 1;

    /// <summary>Submission__MaxInFlight; the default is far above any run, so the gate never binds.</summary>
    public int MaxInFlight { get; init; } = 100_000;

    public bool SkipInMemory { get; init; }

    public Uri RabbitMq { get; init; } = FromEnvironment("REPORTSAGA_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/");

    public Uri RabbitMqManagement { get; init; } = FromEnvironment("REPORTSAGA_TEST_RABBITMQ_MANAGEMENT", "http://guest:guest@127.0.0.1:15672/");

    /// <summary>"own" (a throwaway cluster with pg_stat_statements), "env" (REPORTSAGA_TEST_POSTGRES) or a connection string.</summary>
    public string Postgres { get; init; } = "own";

    /// <summary>The run fails when nothing moves (no report ends, no call reaches the provider) for this long.</summary>
    public TimeSpan StallLimit { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>The service's build output; by default the one built next to this benchmark (same configuration).</summary>
    public string? ServiceDll { get; init; }

    /// <summary>
    /// Seeded mode (memory with reports waiting on the provider): for each N, N reports already submitted and waiting,
    /// seeded into the database and the simulator, then the service polls them. Empty: the throughput runs.
    /// </summary>
    public IReadOnlyList<int> Waiting { get; init; } = [];

    /// <summary>Seeded mode: how long the service polls the seeded reports while its memory is sampled.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Seeded mode: Polling__MaxInterval, the cadence of each seeded report's checks; its first checks are spread over this.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Service settings given with <c>--set Key=Value</c> (e.g. <c>RabbitMq__ConcurrentMessageLimit=8</c>), applied over
    /// the benchmark's own, to measure a setting an operator would change.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The gate binds: more reports than may be in flight at once.</summary>
    public bool GateBinds => MaxInFlight < Reports;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--skip-inmemory")
            {
                options = options with { SkipInMemory = true };
                continue;
            }

            if (i + 1 >= args.Length)
                throw new ArgumentException($"{name} needs a value. {Usage}");
            var value = args[++i];
            options = name switch
            {
                "--reports" => options with { Reports = Positive(name, value) },
                "--warmup" => options with { Warmup = Positive(name, value) },
                "--instances" => options with { Instances = Positive(name, value) },
                "--max-in-flight" => options with { MaxInFlight = Positive(name, value) },
                "--rabbitmq" => options with { RabbitMq = new Uri(value) },
                "--rabbitmq-management" => options with { RabbitMqManagement = new Uri(value) },
                "--postgres" => options with { Postgres = value },
                "--stall-limit" => options with { StallLimit = TimeSpan.FromSeconds(Positive(name, value)) },
                "--service-dll" => options with { ServiceDll = Path.GetFullPath(value) },
                "--waiting" => options with { Waiting = value.Split(',').Select(n => Positive(name, n.Trim())).ToArray() },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Positive(name, value)) },
                "--poll-interval" => options with { PollInterval = TimeSpan.FromSeconds(Positive(name, value)) },
                "--set" => options with { Settings = WithSetting(options.Settings, value) },
                _ => throw new ArgumentException($"Unknown option {name}. {Usage}"),
            };
        }

        // Load goes to this machine only.
        if (!options.RabbitMq.IsLoopback || !options.RabbitMqManagement.IsLoopback)
            throw new ArgumentException("--rabbitmq and --rabbitmq-management must be loopback addresses.");
        return options;
    }

    private static Dictionary<string, string> WithSetting(IReadOnlyDictionary<string, string> settings, string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
            throw new ArgumentException($"--set needs Key=Value (was \"{assignment}\").");
        return new Dictionary<string, string>(settings) { [assignment[..equals]] = assignment[(equals + 1)..] };
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} must be a positive whole number.");

    private static Uri FromEnvironment(string variable, string fallback) =>
        new(Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : fallback);
}
