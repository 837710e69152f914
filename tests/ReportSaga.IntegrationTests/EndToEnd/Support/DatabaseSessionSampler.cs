using System.Diagnostics;
using Npgsql;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>One look at the sessions on the service's database (the sampler's own left out).</summary>
/// <param name="At">Since the sampler started.</param>
/// <param name="Sessions">Sessions open on the database.</param>
/// <param name="LongestIdleInTransaction">
/// The longest a session had been waiting idle in an open transaction (since its last statement), or zero: what a
/// transaction held open across a call to somewhere else looks like, for the length of the call.
/// </param>
/// <param name="IdleInTransaction">Such sessions, described, when one had been waiting longer than the sampler's limit.</param>
/// <param name="ProviderCallsStarted">Batch API calls the provider had received by then.</param>
/// <param name="All">Every session, described, when there were more than the sampler's limit.</param>
internal sealed record SessionSample(
    TimeSpan At, int Sessions, TimeSpan LongestIdleInTransaction, IReadOnlyList<string> IdleInTransaction, int ProviderCallsStarted,
    IReadOnlyList<string> All);

/// <summary>
/// Samples <c>pg_stat_activity</c> for the service's database every quarter second, on a connection of its own,
/// until stopped: how many sessions are open, and whether one sits idle in a transaction (a transaction held open
/// while the service waits on something else, such as the provider).
/// </summary>
internal sealed class DatabaseSessionSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private const string Query =
        "SELECT state, now() - state_change AS idle_for, left(query, 160) AS query, " +
        "format('pid %s from %s:%s since %s, transaction open %s', pid, client_addr, client_port, backend_start, now() - xact_start) AS session " +
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'";

    private readonly List<SessionSample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _reportIdleLongerThan;
    private readonly int _reportSessionsBeyond;
    private readonly Func<int> _providerCalls;
    private Task? _loop;
    private string _longestIdle = "none";
    private TimeSpan _longest;

    private DatabaseSessionSampler(TimeSpan reportIdleLongerThan, int reportSessionsBeyond, Func<int> providerCalls)
    {
        _reportIdleLongerThan = reportIdleLongerThan;
        _reportSessionsBeyond = reportSessionsBeyond;
        _providerCalls = providerCalls;
    }

    /// <summary>The longest-open transaction ever seen idle, described.</summary>
    public string LongestIdleInTransaction
    {
        get
        {
            lock (_samples)
                return _longestIdle;
        }
    }

    /// <summary>Starts sampling the database of <paramref name="connectionString"/>.</summary>
    /// <param name="reportIdleLongerThan">Sessions idle in a transaction older than this are described in the sample.</param>
    /// <param name="reportSessionsBeyond">With more sessions than this, every session is described in the sample.</param>
    /// <param name="providerCalls">Reads how many provider calls have started, recorded with each sample.</param>
    public static async Task<DatabaseSessionSampler> StartAsync(string connectionString, TimeSpan reportIdleLongerThan,
        int reportSessionsBeyond, Func<int> providerCalls)
    {
        var sampler = new DatabaseSessionSampler(reportIdleLongerThan, reportSessionsBeyond, providerCalls);
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
            var idle = new List<string>();
            var all = new List<string>();
            var longestDescribed = "";
            await using (var command = new NpgsqlCommand(Query, connection))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    sessions++;
                    var state = reader.IsDBNull(0) ? "" : reader.GetString(0);
                    var inState = reader.IsDBNull(1) ? (TimeSpan?)null : reader.GetFieldValue<TimeSpan>(1);
                    var description = $"{reader.GetString(3)}: {state}" +
                                      (inState is { } t ? $" for {t.TotalSeconds:0.0}s" : "") +
                                      $" after: {(reader.IsDBNull(2) ? "" : reader.GetString(2))}";
                    all.Add(description);
                    if (!state.StartsWith("idle in transaction", StringComparison.Ordinal) || inState is not { } open)
                        continue;
                    if (open > longest)
                    {
                        longest = open;
                        longestDescribed = description;
                    }

                    if (open > _reportIdleLongerThan)
                        idle.Add(description);
                }
            }

            lock (_samples)
            {
                _samples.Add(new SessionSample(at, sessions, longest, idle, calls, sessions > _reportSessionsBeyond ? all : []));
                if (longest > _longest)
                {
                    _longest = longest;
                    _longestIdle = longestDescribed;
                }
            }
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
