using Npgsql;

namespace ReportSaga.EndToEndBench.Infrastructure;

/// <summary>
/// Samples pg_stat_activity for the run's database every <see cref="Interval"/>, on one connection to the
/// maintenance database: the most sessions seen at once, and sessions <c>idle in transaction</c> (a transaction left
/// open while the client does something else, such as an HTTP call). A sample cannot see what lasts less than it.
/// </summary>
internal sealed class SessionSampler : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private SessionSampler(NpgsqlConnection connection, string databaseName) =>
        _loop = Task.Run(() => LoopAsync(connection, databaseName));

    public int Samples { get; private set; }

    public int MostSessions { get; private set; }

    public int MostIdleInTransaction { get; private set; }

    /// <summary>Samples that saw at least one session idle in a transaction.</summary>
    public int SamplesWithIdleInTransaction { get; private set; }

    public static async Task<SessionSampler> StartAsync(BenchDatabase database) =>
        new(await database.OpenAdminAsync(), database.Name);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    private async Task LoopAsync(NpgsqlConnection connection, string databaseName)
    {
        await using (connection)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*), count(*) FILTER (WHERE state = 'idle in transaction') FROM pg_stat_activity WHERE datname = @db", connection);
            command.Parameters.AddWithValue("db", databaseName);
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await using (var reader = await command.ExecuteReaderAsync(_stop.Token))
                    {
                        await reader.ReadAsync(_stop.Token);
                        var sessions = (int)reader.GetInt64(0);
                        var idle = (int)reader.GetInt64(1);
                        Samples++;
                        MostSessions = Math.Max(MostSessions, sessions);
                        MostIdleInTransaction = Math.Max(MostIdleInTransaction, idle);
                        if (idle > 0)
                            SamplesWithIdleInTransaction++;
                    }

                    await Task.Delay(Interval, _stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
        _stop.Dispose();
    }
}
