using ReportSaga.EndToEndBench.Infrastructure;
using ReportSaga.EndToEndBench.Tracking;

namespace ReportSaga.EndToEndBench.Runs;

/// <summary>What one run measured. Figures a variant cannot measure are null.</summary>
internal sealed record RunResult
{
    public required string Title { get; init; }

    public required int Reports { get; init; }

    /// <summary>From the first publish to the last report's first terminal event.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>How long publishing the requests took (one after the other, each confirmed by the broker).</summary>
    public required TimeSpan PublishingTime { get; init; }

    public required double[] LatenciesSeconds { get; init; }

    public required SubmissionOrder Order { get; init; }

    public required TrackerProblems Problems { get; init; }

    public double ReportsPerSecond => Reports / Elapsed.TotalSeconds;

    /// <summary>Service processes' CPU time over the run, summed over instances.</summary>
    public TimeSpan? ServiceCpu { get; init; }

    /// <summary>The benchmark process's CPU time over the run (simulator, publisher, subscriber; in memory: the whole pipeline too).</summary>
    public TimeSpan BenchCpu { get; init; }

    /// <summary>The largest peak resident memory of one service process.</summary>
    public long? ServicePeakResidentBytes { get; init; }

    public long? LogLines { get; init; }

    public long? LogBytes { get; init; }

    /// <summary>Broker counters over the run, without the benchmark's own publishes and deliveries.</summary>
    public BrokerCounts? Broker { get; init; }

    /// <summary>Statement executions on the service's database over the run, by normalised text; null when not counted.</summary>
    public IReadOnlyList<StatementCount>? Statements { get; init; }

    public long? Transactions { get; init; }

    public SessionSampler? Sessions { get; init; }

    /// <summary>Npgsql's pool limit per service process (Max Pool Size, 100 unless the connection string says otherwise).</summary>
    public int? PoolSizePerInstance { get; init; }

    /// <summary>The PostgreSQL server's max_connections.</summary>
    public int? ServerMaxConnections { get; init; }

    public int Instances { get; init; }
}
