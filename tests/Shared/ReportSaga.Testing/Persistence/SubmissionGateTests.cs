using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// The database-backed submission gate, written once and run on each database: the oldest reports are granted first,
/// never more than the cap, across several instances granting at once.
/// </summary>
public abstract class SubmissionGateTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private readonly List<ServiceProvider> _instances = [];

    /// <summary>The database for this test.</summary>
    protected abstract Task<StorageSettings> CreateStorageAsync();

    protected virtual Task DropStorageAsync() => Task.CompletedTask;

    /// <summary>How many service instances share the database (SQLite serves one).</summary>
    protected abstract int Instances { get; }

    public async Task InitializeAsync()
    {
        var settings = await CreateStorageAsync();
        for (var i = 0; i < Instances; i++)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddReportSagaPersistence(settings);
            _instances.Add(services.BuildServiceProvider());
        }
        await ReportSagaDatabase.MigrateAsync(_instances[0]);
        // Tests of one class may share a database: each starts with an empty line.
        await using var scope = _instances[0].CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().SubmissionSlots.ExecuteDeleteAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
        await DropStorageAsync();
    }

    private ISubmissionGrants Grants(int instance = 0) => _instances[instance].GetRequiredService<ISubmissionGrants>();

    /// <summary>Runs one saga-side step in a scope and saves it, as the saga's transaction would.</summary>
    private async Task<T> InReportTransactionAsync<T>(Func<ISubmissionQueue, Task<T>> step, int instance = 0)
    {
        await using var scope = _instances[instance].CreateAsyncScope();
        var result = await step(scope.ServiceProvider.GetRequiredService<ISubmissionQueue>());
        await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().SaveChangesAsync();
        return result;
    }

    private Task EnqueueAsync(Guid requestId, DateTimeOffset at) =>
        InReportTransactionAsync(async queue => { await queue.EnqueueAsync(requestId, at, $"00-{requestId:N}-0000000000000001-01"); return true; });

    private Task ReleaseAsync(Guid requestId, int instance = 0) =>
        InReportTransactionAsync(async queue => { await queue.ReleaseAsync(requestId); return true; }, instance);

    private async Task<List<Guid>> EnqueueInOrderAsync(int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        for (var i = 0; i < count; i++)
            await EnqueueAsync(ids[i], Start.AddMilliseconds(i));
        return ids;
    }

    [Fact]
    public async Task The_oldest_waiting_reports_are_granted_up_to_the_cap_and_a_release_lets_the_next_in()
    {
        var line = await EnqueueInOrderAsync(10);

        var first = await Grants().GrantAsync(3);
        Assert.Equal(line.Take(3), first.Select(x => x.RequestId));
        // Each grant carries its report's trace parent, to be sent in the report's own trace.
        Assert.All(first, g => Assert.Equal($"00-{g.RequestId:N}-0000000000000001-01", g.TraceParent));
        Assert.Empty(await Grants().GrantAsync(3));

        await ReleaseAsync(line[1]);
        Assert.Equal([line[3]], (await Grants().GrantAsync(3)).Select(x => x.RequestId));

        var counts = await Grants().CountAsync();
        Assert.Equal(3, counts.InFlight);
        Assert.Equal(6, counts.Waiting);
        Assert.Equal(Start.AddMilliseconds(4), counts.OldestWaitingSince);
    }

    [Fact]
    public async Task A_report_that_leaves_the_line_is_never_granted()
    {
        var line = await EnqueueInOrderAsync(3);
        await ReleaseAsync(line[0]);

        Assert.Equal(line.Skip(1), (await Grants().GrantAsync(10)).Select(x => x.RequestId));
    }

    [Fact]
    public async Task A_grant_is_taken_only_once_granted_and_untaken_grants_are_found_for_sending_again()
    {
        var line = await EnqueueInOrderAsync(2);
        Assert.False(await InReportTransactionAsync(queue => queue.ClaimGrantAsync(line[0])));

        await Grants().GrantAsync(5);
        Assert.True(await InReportTransactionAsync(queue => queue.ClaimGrantAsync(line[0])));

        var untaken = await Grants().UnclaimedGrantsAsync(DateTimeOffset.UtcNow.AddMinutes(1), 10);
        Assert.Equal([line[1]], untaken.Select(x => x.RequestId));
        Assert.Empty(await Grants().UnclaimedGrantsAsync(DateTimeOffset.UtcNow.AddMinutes(-1), 10));
        Assert.False(await InReportTransactionAsync(queue => queue.ClaimGrantAsync(Guid.NewGuid())));
    }

    [Fact]
    public async Task A_grant_the_gate_submits_is_found_again_only_while_its_report_is_queued_and_no_attempt_claimed_it()
    {
        // Three reports queued as this version queues them: each with the step token the gate submits under.
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        var tokens = ids.ToDictionary(id => id, _ => Guid.NewGuid());
        await using (var scope = _instances[0].CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
            foreach (var id in ids)
                db.Reports.Add(new ReportState { CorrelationId = id, CurrentState = ReportStates.Queued, StepToken = tokens[id], CreatedAt = Start, UpdatedAt = Start });
            await db.SaveChangesAsync();
        }
        for (var i = 0; i < ids.Count; i++)
            await InReportTransactionAsync(async queue =>
            {
                await queue.EnqueueAsync(new SubmissionEntry(ids[i], Start.AddMilliseconds(i), null, SubmitStepToken: tokens[ids[i]]));
                return true;
            });

        var granted = await Grants().GrantAsync(5);
        Assert.All(granted, g => Assert.Equal(tokens[g.RequestId], g.SubmitStepToken));
        Assert.True(await Grants().IsGrantedAsync(ids[0]));
        Assert.False(await Grants().IsGrantedAsync(Guid.NewGuid()));

        // One report has taken its submission's answer and moved on; a submit attempt has claimed another.
        await using (var scope = _instances[0].CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
            (await db.Reports.SingleAsync(x => x.CorrelationId == ids[1])).CurrentState = ReportStates.Waiting;
            await db.SaveChangesAsync();
        }
        await _instances[0].GetRequiredService<ISubmissionLedger>().ClaimAsync(ids[2]);

        // Only the first one's SubmitReport can have been lost: it is the one sent again, under its own token.
        var lost = Assert.Single(await Grants().UnclaimedGrantsAsync(DateTimeOffset.UtcNow.AddMinutes(1), 10));
        Assert.Equal(ids[0], lost.RequestId);
        Assert.Equal(tokens[ids[0]], lost.SubmitStepToken);
    }

    [Fact]
    public async Task Instances_granting_and_releasing_at_once_never_pass_the_cap_and_keep_arrival_order()
    {
        const int cap = 5;
        var line = await EnqueueInOrderAsync(60);
        var granted = new List<Guid>();
        var holding = new List<Guid>();
        var random = new Random(7);

        while (granted.Count < line.Count)
        {
            var passes = await Task.WhenAll(Enumerable.Range(0, Instances * 3)
                .Select(i => Task.Run(() => Grants(i % Instances).GrantAsync(cap))));
            var now = passes.SelectMany(x => x).Select(x => x.RequestId).ToList();
            granted.AddRange(now);
            holding.AddRange(now);

            Assert.Equal(holding.Count, await CountHoldingAsync());
            Assert.InRange(holding.Count, 0, cap);
            // Every grant so far is the head of the line: nobody was granted before a report that came earlier.
            Assert.Equal(line.Take(granted.Count).ToHashSet(), granted.ToHashSet());
            Assert.Equal(granted.Count, granted.Distinct().Count());

            // One to three reports end, each on any instance, freeing their slots.
            var ending = holding.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
            await Task.WhenAll(ending.Select((id, i) => ReleaseAsync(id, i % Instances)));
            holding.RemoveAll(ending.Contains);
        }
    }

    private async Task<int> CountHoldingAsync()
    {
        await using var scope = _instances[0].CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().SubmissionSlots.CountAsync(x => x.GrantedAt != null);
    }
}
