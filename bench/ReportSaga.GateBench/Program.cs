using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;

// The submission gate's cost per request and per release (with the grant it lets through), with 100 and with 10,000
// reports waiting, on PostgreSQL: first come first served, fair share with one requester, and fair share with 50
// requesters. Also the same two steps on the previous design, emulated: one gate row whose JSON lists of holders and
// waiters every step reads and rewrites (what SubmissionGateStateMachine did through EF). Then the fair-share figure:
// how long a requester with 5 reports waits behind one with 5,000, with and without fair share.
//   REPORTSAGA_BENCH_POSTGRES="Host=127.0.0.1;Username=...;Password=...;Database=postgres" \
//   dotnet run -c Release --project bench/ReportSaga.GateBench -- [--ops 300] [--waiting 100,10000] [--report-seconds 60]
var admin = Environment.GetEnvironmentVariable("REPORTSAGA_BENCH_POSTGRES")
    ?? Environment.GetEnvironmentVariable("REPORTSAGA_TEST_POSTGRES")
    ?? throw new InvalidOperationException("Set REPORTSAGA_BENCH_POSTGRES to a PostgreSQL connection string that may create databases.");
var ops = Argument("--ops", 300);
var waitingCounts = (ArgumentText("--waiting") ?? "100,10000").Split(',').Select(int.Parse).ToArray();
const int maxInFlight = 90;

Console.WriteLine($"submission gate: {ops} requests and {ops} releases per line length, MaxInFlight={maxInFlight}, {Environment.ProcessorCount} cores");
Console.WriteLine("| design | waiting | request (ms, mean) | release + grant (ms, mean) |");
Console.WriteLine("|---|---|---|---|");
var rows = new List<(string Design, int Waiting, double Request, double Release)>();
foreach (var waiting in waitingCounts)
{
    var connection = await CreateDatabaseAsync(admin, $"gatebench_{waiting}_{Environment.ProcessId}");
    await using var services = BuildServices(connection);
    await ReportSagaDatabase.MigrateAsync(services);
    foreach (var (design, rules, requesters) in new[]
             {
                 ("submission_slot rows, first come first served", new GrantRules(maxInFlight) { FairShare = false }, 1),
                 ("submission_slot rows, fair share, 1 requester", new GrantRules(maxInFlight), 1),
                 ("submission_slot rows, fair share, 50 requesters", new GrantRules(maxInFlight), 50),
             })
    {
        var (request, release) = await MeasureTableGateAsync(services, waiting, rules, requesters);
        rows.Add((design, waiting, request, release));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {design} | {waiting:N0} | {request:0.00} | {release:0.00} |"));
    }

    var (oldRequest, oldRelease) = await MeasureListGateAsync(connection, waiting);
    rows.Add(("one row of JSON lists (before, emulated)", waiting, oldRequest, oldRelease));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one row of JSON lists (before, emulated) | {waiting:N0} | {oldRequest:0.00} | {oldRelease:0.00} |"));
}

foreach (var design in rows.Select(r => r.Design).Distinct())
{
    var mine = rows.Where(r => r.Design == design).OrderBy(r => r.Waiting).ToList();
    if (mine.Count < 2)
        continue;
    var (first, last) = (mine[0], mine[^1]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{design}: request x{last.Request / first.Request:0.00}, release x{last.Release / first.Release:0.00} from {first.Waiting:N0} to {last.Waiting:N0} waiting (target: within 2x)"));
}
await MeasureSmallRequesterWaitAsync(admin);
return 0;

// A requester with 5 reports arrives behind one with 5,000 waiting (and 90 holding every slot); reports end one at a
// time and each end lets one in. Counts the grants until each of the 5 is granted, with and without fair share, and
// turns them into time at the rate a full gate drains when each report takes --report-seconds at the provider.
async Task MeasureSmallRequesterWaitAsync(string adminConnection)
{
    var reportSeconds = Argument("--report-seconds", 60);
    var drainPerSecond = (double)maxInFlight / reportSeconds;
    Console.WriteLine();
    Console.WriteLine($"small requester's wait: 5 reports behind 5,000 of another requester, {maxInFlight} in flight; " +
                      $"reports take {reportSeconds} s at the provider, so the gate drains {drainPerSecond:0.0} grants/s");
    Console.WriteLine("| gate | grants before the small requester's 1st / 5th report | its wait (1st / 5th) | measured pass (ms, mean) |");
    Console.WriteLine("|---|---|---|---|");
    foreach (var fair in new[] { true, false })
    {
        var connection = await CreateDatabaseAsync(adminConnection, $"gatebench_fair_{fair}_{Environment.ProcessId}".ToLowerInvariant());
        await using var services = BuildServices(connection);
        await ReportSagaDatabase.MigrateAsync(services);
        var grants = services.GetRequiredService<ISubmissionGrants>();
        var rules = new GrantRules(maxInFlight) { FairShare = fair };
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO submission_slot (request_id, queued_at, granted_at, claimed, requested_by, priority, estimated_credits) " +
                "SELECT gen_random_uuid(), {0}::timestamptz + make_interval(secs => g / 1000.0), " +
                "CASE WHEN g <= {1} THEN {0}::timestamptz END, g <= {1}, 'bulk-team', 1, 0 FROM generate_series(1, {2}) g",
                start.UtcDateTime, maxInFlight, maxInFlight + 5000);
            await db.Database.ExecuteSqlRawAsync("ANALYZE submission_slot");
        }

        var small = new HashSet<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var id = Guid.NewGuid();
            small.Add(id);
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ISubmissionQueue>().EnqueueAsync(
                new SubmissionEntry(id, start.AddHours(1), null, "small-team"));
            await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().SaveChangesAsync();
        }

        var holders = new Queue<Guid>(await HoldersOfAsync(services));
        var grantsSoFar = 0;
        var smallAt = new List<int>();
        var clock = Stopwatch.StartNew();
        while (smallAt.Count < 5)
        {
            await using (var scope = services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<ISubmissionQueue>().ReleaseAsync(holders.Dequeue());
                await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().SaveChangesAsync();
            }

            foreach (var grant in (await grants.GrantAsync(rules)).Granted)
            {
                grantsSoFar++;
                holders.Enqueue(grant.RequestId);
                if (small.Contains(grant.RequestId))
                    smallAt.Add(grantsSoFar);
            }
        }

        var passMs = clock.Elapsed.TotalMilliseconds / grantsSoFar;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {(fair ? "fair share" : "first come first served")} | {smallAt[0] - 1:N0} / {smallAt[^1] - 1:N0} | " +
            $"{Duration((smallAt[0]) / drainPerSecond)} / {Duration(smallAt[^1] / drainPerSecond)} | {passMs:0.00} |"));
    }
}

static string Duration(double seconds) => seconds < 120
    ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s")
    : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min");

static async Task<List<Guid>> HoldersOfAsync(ServiceProvider services)
{
    await using var scope = services.CreateAsyncScope();
    return await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().SubmissionSlots
        .Where(x => x.GrantedAt != null).OrderBy(x => x.QueuedAt).Select(x => x.RequestId).ToListAsync();
}

async Task<(double Request, double Release)> MeasureTableGateAsync(ServiceProvider services, int waiting, GrantRules rules, int requesters)
{
    var grants = services.GetRequiredService<ISubmissionGrants>();
    var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    // The line: maxInFlight holders and `waiting` waiters spread over `requesters`, written in bulk.
    await using (var scope = services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
        await db.SubmissionSlots.ExecuteDeleteAsync();
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO submission_slot (request_id, queued_at, granted_at, claimed, requested_by, priority, estimated_credits) " +
            "SELECT gen_random_uuid(), {0}::timestamptz + make_interval(secs => g / 1000.0), " +
            "CASE WHEN g <= {1} THEN {0}::timestamptz END, g <= {1}, 'team-' || (g % {3}), 1, 100 FROM generate_series(1, {2}) g",
            start.UtcDateTime, maxInFlight, maxInFlight + waiting, requesters);
        await db.Database.ExecuteSqlRawAsync("ANALYZE submission_slot");
    }

    async Task<List<Guid>> HoldersAsync()
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().SubmissionSlots
            .Where(x => x.GrantedAt != null).Select(x => x.RequestId).ToListAsync();
    }

    async Task StepAsync(Func<ISubmissionQueue, Task> step)
    {
        await using var scope = services.CreateAsyncScope();
        await step(scope.ServiceProvider.GetRequiredService<ISubmissionQueue>());
        await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().SaveChangesAsync();
    }

    // Warm-up, then one measured round of each; each new report from one of the requesters in turn.
    await StepAsync(q => q.EnqueueAsync(new SubmissionEntry(Guid.NewGuid(), DateTimeOffset.UtcNow, null, "team-0", 1, 100)));
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < Ops(); i++)
    {
        var requester = $"team-{i % requesters}";
        await StepAsync(q => q.EnqueueAsync(new SubmissionEntry(Guid.NewGuid(), DateTimeOffset.UtcNow, null, requester, 1, 100)));
    }
    var request = clock.Elapsed.TotalMilliseconds / Ops();

    var holders = await HoldersAsync();
    clock.Restart();
    for (var i = 0; i < Ops(); i++)
    {
        await StepAsync(q => q.ReleaseAsync(holders[0]));
        var granted = (await grants.GrantAsync(rules)).Granted;
        holders.RemoveAt(0);
        holders.AddRange(granted.Select(x => x.RequestId));
    }
    var release = clock.Elapsed.TotalMilliseconds / Ops();
    return (request, release);
}

// The previous design: one row holding the holders and the waiters as JSON lists, locked, read, changed and written
// back whole by every request and every release.
async Task<(double Request, double Release)> MeasureListGateAsync(string connectionString, int waiting)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await Execute(connection, "CREATE TABLE list_gate (id int PRIMARY KEY, holders text NOT NULL, waiting text NOT NULL, version int NOT NULL)");
    var holders = Enumerable.Range(0, maxInFlight).Select(_ => Guid.NewGuid()).ToList();
    var waiters = Enumerable.Range(0, waiting).Select(_ => Guid.NewGuid()).ToList();
    await using (var insert = new NpgsqlCommand("INSERT INTO list_gate VALUES (1, @h, @w, 1)", connection))
    {
        insert.Parameters.AddWithValue("h", JsonSerializer.Serialize(holders));
        insert.Parameters.AddWithValue("w", JsonSerializer.Serialize(waiters));
        await insert.ExecuteNonQueryAsync();
    }

    async Task StepAsync(Action<List<Guid>, List<Guid>> change)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        List<Guid> h, w;
        int version;
        await using (var read = new NpgsqlCommand("SELECT holders, waiting, version FROM list_gate WHERE id = 1 FOR UPDATE", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            h = JsonSerializer.Deserialize<List<Guid>>(reader.GetString(0))!;
            w = JsonSerializer.Deserialize<List<Guid>>(reader.GetString(1))!;
            version = reader.GetInt32(2);
        }
        change(h, w);
        await using (var write = new NpgsqlCommand("UPDATE list_gate SET holders = @h, waiting = @w, version = @v WHERE id = 1 AND version = @old", connection, transaction))
        {
            write.Parameters.AddWithValue("h", JsonSerializer.Serialize(h));
            write.Parameters.AddWithValue("w", JsonSerializer.Serialize(w));
            write.Parameters.AddWithValue("v", version + 1);
            write.Parameters.AddWithValue("old", version);
            await write.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    await StepAsync((_, w) => w.Add(Guid.NewGuid()));
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < Ops(); i++)
        await StepAsync((h, w) => { var id = Guid.NewGuid(); if (!h.Contains(id) && !w.Contains(id)) w.Add(id); });
    var request = clock.Elapsed.TotalMilliseconds / Ops();

    clock.Restart();
    for (var i = 0; i < Ops(); i++)
        await StepAsync((h, w) =>
        {
            h.RemoveAt(0);
            while (h.Count < maxInFlight && w.Count > 0)
            {
                h.Add(w[0]);
                w.RemoveAt(0);
            }
        });
    var release = clock.Elapsed.TotalMilliseconds / Ops();
    return (request, release);
}

static async Task Execute(NpgsqlConnection connection, string sql)
{
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static async Task<string> CreateDatabaseAsync(string adminConnectionString, string name)
{
    await using var connection = new NpgsqlConnection(adminConnectionString);
    await connection.OpenAsync();
    await Execute(connection, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    await Execute(connection, $"CREATE DATABASE {name}");
    return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
}

static ServiceProvider BuildServices(string connectionString)
{
    var services = new ServiceCollection();
    services.AddLogging();
    services.AddReportSagaPersistence(StorageSettings.ForPostgres(connectionString));
    return services.BuildServiceProvider();
}

int Ops() => ops;

static int Argument(string name, int fallback) => ArgumentText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

static string? ArgumentText(string name)
{
    var args = Environment.GetCommandLineArgs();
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
