using Npgsql;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Simulator;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #10, item 5: no Batch API call is made while a database transaction or row lock is held. The provider takes
/// 10 s to answer every call, and 40 reports (the issue says 200; 40 keep the test near a minute on two shared cores
/// and are already four times the pool) are validated, submitted and polled at once by a service whose PostgreSQL
/// pool has 10 connections. While the calls are in flight, <c>pg_stat_activity</c> is sampled four times a second.
/// </summary>
/// <remarks>
/// A transaction held open across a call waits idle in it, on the service, for the whole call: 10 s here. So the
/// assertion is on how long any session has been idle in an open transaction since its last statement: never as long
/// as 8 s. That is far from "a short moment" on purpose: on this 2-core machine, shared at a load average near 50,
/// the service's short transactions were seen idle for up to 4.2 s between two statements (starved of CPU after
/// locking a saga row), and a limit that such a stall can reach would make the test fail for the machine's sake.
/// The longest idle time seen is printed. With the Batch API consumers run inside their transactions as before, the
/// same test took 217 s instead of 38 to 76 s, had at most 11 calls in flight (the pool's 10 connections held across
/// calls), and saw transactions idle for 30 s.
/// </remarks>
[Collection(EndToEndCollection.Name)]
public sealed class When_the_provider_takes_ten_seconds_per_call(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    private const int ReportCount = 40;
    private const int PoolSize = 10;
    private static readonly TimeSpan CallTime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LongestFairIdle = TimeSpan.FromSeconds(8);

    private static readonly SimulatorEndpoint[] BatchCalls =
        [SimulatorEndpoint.Validate, SimulatorEndpoint.RequestReport, SimulatorEndpoint.Status, SimulatorEndpoint.Retry];

    [Fact]
    public Task No_session_waits_in_a_transaction_on_a_call_and_the_pool_is_never_exceeded() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            scenario.Simulator.Options.Faults.Latency = CallTime;
            var settings = scenario.Settings();
            settings["ConnectionStrings__Postgres"] =
                new NpgsqlConnectionStringBuilder(infrastructure.PostgresConnectionString) { MaxPoolSize = PoolSize }.ConnectionString;
            // Enough consumers for every report's call to be in flight at once.
            settings["RabbitMq__ConcurrentMessageLimit"] = "50";
            settings["RabbitMq__PrefetchCount"] = "64";
            await scenario.StartServiceAsync("service", settings);

            await using var sampler = await DatabaseSessionSampler.StartAsync(infrastructure.PostgresConnectionString,
                LongestFairIdle, PoolSize, () => BatchCalls.Sum(scenario.Simulator.State.CallCount));
            await scenario.PublishAsync(Enumerable.Range(0, ReportCount).Select(i => Reports.Plain(i, i % 3 == 0)));
            var outcomes = await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromMinutes(4));
            var samples = await sampler.StopAsync();

            var peakSessions = samples.Max(s => s.Sessions);
            var peakCallsInFlight = samples.Max(s => s.ProviderCallsStarted - CallsStartedBy(samples, s.At - CallTime));
            var longestIdle = samples.Max(s => s.LongestIdleInTransaction);
            var held = samples.Where(s => s.IdleInTransaction.Count > 0).ToList();
            output.WriteLine($"{samples.Count} samples over {samples[^1].At.TotalSeconds:0}s; endings: " +
                             string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}")));
            output.WriteLine($"peak provider calls in flight {peakCallsInFlight}, peak database sessions {peakSessions} " +
                             $"(pool {PoolSize}), longest idle in transaction {longestIdle.TotalMilliseconds:0} ms: {sampler.LongestIdleInTransaction}");

            Assert.Equal(ReportCount, outcomes["completed"]);
            Assert.True(held.Count == 0, "Sessions idle in a transaction for longer than " +
                                         $"{LongestFairIdle.TotalSeconds}s: " +
                                         string.Join("; ", held.Select(s => $"at {s.At.TotalSeconds:0.0}s {string.Join(", ", s.IdleInTransaction)}")));
            var crowded = samples.Where(s => s.Sessions > PoolSize).ToList();
            Assert.True(crowded.Count == 0, $"More sessions than the pool's {PoolSize}: " +
                                            string.Join("; ", crowded.Take(3).Select(s => $"at {s.At.TotalSeconds:0.0}s {string.Join(" | ", s.All)}")));
            // The samples saw what they were meant to: many more calls in flight than connections in the pool.
            Assert.True(peakCallsInFlight >= 2 * PoolSize, $"Only {peakCallsInFlight} provider calls were ever in flight at once.");
        }, processingTime: TimeSpan.FromSeconds(2));

    /// <summary>Provider calls started by <paramref name="at"/>, from the last sample taken then (zero before the first).</summary>
    private static int CallsStartedBy(IReadOnlyList<SessionSample> samples, TimeSpan at) =>
        samples.LastOrDefault(s => s.At <= at)?.ProviderCallsStarted ?? 0;
}
