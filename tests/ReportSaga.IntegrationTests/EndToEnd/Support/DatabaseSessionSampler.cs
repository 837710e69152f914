using System.Diagnostics;
using Npgsql;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>One look at the sessions on the service's database (the sampler's own left out).</summary>
/// <param name="At">Since the sampler started.</param>
/// <param name="Sessions">Sessions open on the database.</param>
/// <param name="LongestIdleInTransaction">The oldest transaction of a session waiting idle in it, or zero.</param>
/// <param name="IdleInTransaction">Those sessions, described, when one's transaction is older than the sampler's limit.</param>
/// <param name="ProviderCallsStarted">Batch API calls the provider had received by then.</param>
internal sealed record SessionSample(
    TimeSpan At, int Sessions, TimeSpan LongestIdleInTransaction, IReadOnlyList<string> IdleInTransaction, int ProviderCallsStarted);

/// <summary>
/// Samples <c>pg_stat_activity</c> for the service's database every quarter second, on a connection of its own,
/// until stopped: how many sessions are open, and whether one sits idle in a transaction (a transaction held open
/// while the service waits on something else, such as the provider).
/// </summary>
internal sealed class DatabaseSessionSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private const string Query =
        "SELECT state, now() - xact_start AS in_transaction, left(query, 160) AS query FROM pg_stat_activity " +
        "WHERE datname = current_database() AND pid <> pg_backend_pid()";

    private readonly List<SessionSample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _reportIdleLongerThan;
    private readonly Func<int> _providerCalls;
    private Task? _loop;

    private DatabaseSessionSampler(TimeSpan reportIdleLongerThan, Func<int> providerCalls)
    {
        _reportIdleLongerThan = reportIdleLongerThan;
        _providerCalls = providerCalls;
    }

    /// <summary>Starts sampling the database of <paramref name="connectionString"/>.</summary>
    /// <param name="reportIdleLongerThan">Sessions idle in a transaction older than this are described in the sample.</param>
    /// <param name="providerCalls">Reads how many provider calls have started, recorded with each sample.</param>
    public static async Task<DatabaseSessionSampler> StartAsync(string connectionString, TimeSpan reportIdleLongerThan, Func<int> providerCalls)
    {
        var sampler = new DatabaseSessionSampler(reportIdleLongerThan, providerCalls);
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        sampler._loop = sampler.RunAsync(connection);
        return sampler;
    }

    /// <summary>Stops sampling; returns every sample taken.</summary>
    public async Task<IReadOnlyList<SessionSample>> StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
            await _loop;
        lock (_samples)
            return [.. _samples];
    }

    private async Task RunAsync(NpgsqlConnection connection)
    {
        await using var _ = connection;
        while (!_stop.IsCancellationRequested)
        {
            var calls = _providerCalls();
            var at = _clock.Elapsed;
            var sessions = 0;
            var longest = TimeSpan.Zero;
            var described = new List<string>();
            await using (var command = new NpgsqlCommand(Query, connection))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    sessions++;
                    var state = reader.IsDBNull(0) ? "" : reader.GetString(0);
                    if (!state.StartsWith("idle in transaction", StringComparison.Ordinal) || reader.IsDBNull(1))
                        continue;
                    var inTransaction = reader.GetFieldValue<TimeSpan>(1);
                    longest = inTransaction > longest ? inTransaction : longest;
                    if (inTransaction > _reportIdleLongerThan)
                        described.Add($"{state} for {inTransaction.TotalSeconds:0.0}s after: {(reader.IsDBNull(2) ? "" : reader.GetString(2))}");
                }
            }

            lock (_samples)
                _samples.Add(new SessionSample(at, sessions, longest, described, calls));
            try
            {
                await Task.Delay(Interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
