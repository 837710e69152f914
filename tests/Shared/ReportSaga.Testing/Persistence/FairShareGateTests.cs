using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;
using ReportSaga.Persistence.Submissions;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// Sharing the submission gate on each database: round-robin between requesters (weights, a cap per requester),
/// priority first, daily budgets that refuse, and the account guard that holds. Written once, run on SQLite and on
/// PostgreSQL with several instances.
/// </summary>
public abstract class FairShareGateTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private readonly List<ServiceProvider> _instances = [];

    protected abstract Task<StorageSettings> CreateStorageAsync();

    protected virtual Task DropStorageAsync() => Task.CompletedTask;

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
        await using var scope = _instances[0].CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
        await db.SubmissionSlots.ExecuteDeleteAsync();
        await db.CreditCharges.ExecuteDeleteAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
        await DropStorageAsync();
    }

    private ISubmissionGrants Grants(int instance = 0) => _instances[instance].GetRequiredService<ISubmissionGrants>();

    private async Task<T> InReportTransactionAsync<T>(Func<ISubmissionQueue, Task<T>> step, int instance = 0)
    {
        await using var scope = _instances[instance].CreateAsyncScope();
        var result = await step(scope.ServiceProvider.GetRequiredService<ISubmissionQueue>());
        await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().SaveChangesAsync();
        return result;
    }

    private async Task<List<Guid>> EnqueueAsync(string requester, int count, int fromMs, int priority = 1, long credits = 0)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        for (var i = 0; i < count; i++)
        {
            var entry = new SubmissionEntry(ids[i], Start.AddMilliseconds(fromMs + i), null, requester, priority, credits);
            await InReportTransactionAsync(async queue => { await queue.EnqueueAsync(entry); return true; });
        }
        return ids;
    }

    /// <summary>Many waiting reports written in one go, as rows (a gate-level test needs the line, not 5,000 sagas).</summary>
    private async Task<List<Guid>> InsertWaitingRowsAsync(string requester, int count)
    {
        var rows = Enumerable.Range(0, count).Select(i => new SubmissionSlot
        {
            RequestId = Guid.NewGuid(), QueuedAt = Start.AddMilliseconds(i).UtcDateTime, RequestedBy = requester, Priority = 1,
        }).ToList();
        await using var scope = _instances[0].CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
        db.SubmissionSlots.AddRange(rows);
        await db.SaveChangesAsync();
        return rows.Select(x => x.RequestId).ToList();
    }

    private Task ReleaseAsync(Guid requestId, long? charged = null, int instance = 0) =>
        InReportTransactionAsync(async queue =>
        {
            if (charged is { } credits)
                await queue.CorrectChargeAsync(requestId, credits);
            await queue.ReleaseAsync(requestId);
            return true;
        }, instance);

    private async Task<Dictionary<string, int>> HoldingAsync()
    {
        await using var scope = _instances[0].CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().SubmissionSlots
            .Where(x => x.GrantedAt != null && x.Refusal == null).GroupBy(x => x.RequestedBy)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_requester_with_five_reports_behind_one_with_five_thousand_gets_the_next_five_grants_only_with_fair_share(bool fairShare)
    {
        const int cap = 90;
        var rules = new GrantRules(cap) { FairShare = fairShare };
        var bulk = await InsertWaitingRowsAsync("bulk-team", 5000);
        var holders = (await Grants().GrantAsync(rules)).Granted.Select(x => x.RequestId).ToList();
        Assert.Equal(bulk.Take(cap), holders);

        var small = await EnqueueAsync("small-team", 5, fromMs: 10_000);
        // Reports end one at a time, as they do; each end lets one report in.
        var next = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            await ReleaseAsync(holders[i]);
            next.AddRange((await Grants(i % Instances).GrantAsync(rules)).Granted.Select(x => x.RequestId));
        }

        if (fairShare)
            Assert.Equal(small, next);
        else
            Assert.Equal(bulk.Skip(cap).Take(5), next);
    }

    [Fact]
    public async Task Weights_share_the_slots_in_proportion_and_each_requester_keeps_its_own_order()
    {
        var a = await EnqueueAsync("a", 40, fromMs: 0);
        var b = await EnqueueAsync("b", 40, fromMs: 100);
        var rules = new GrantRules(8) { Weights = new Dictionary<string, int> { ["a"] = 3 } };

        var granted = (await Grants().GrantAsync(rules)).Granted.Select(x => x.RequestId).ToList();

        Assert.Equal(a.Take(6).ToHashSet(), granted.Where(a.Contains).ToHashSet());
        Assert.Equal(b.Take(2).ToHashSet(), granted.Where(b.Contains).ToHashSet());
    }

    [Fact]
    public async Task A_requester_at_its_cap_is_passed_over_and_higher_priority_goes_first()
    {
        var lowOld = await EnqueueAsync("a", 3, fromMs: 0, priority: 0);
        var aNormal = await EnqueueAsync("a", 10, fromMs: 100);
        var bHigh = await EnqueueAsync("b", 1, fromMs: 500, priority: 2);
        var rules = new GrantRules(10) { MaxInFlightPerRequester = 3 };

        var granted = (await Grants().GrantAsync(rules)).Granted.Select(x => x.RequestId).ToList();

        // b's high-priority report first, then a's three oldest normal ones; a's low ones wait (a is at its cap).
        Assert.Equal([bHigh[0], .. aNormal.Take(3)], granted);
        Assert.DoesNotContain(granted, lowOld.Contains);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 3, ["b"] = 1 }, await HoldingAsync());
    }

    [Fact]
    public async Task A_report_over_what_its_requesters_day_has_left_is_refused_naming_the_budget_and_a_completion_corrects_the_spend()
    {
        var line = await EnqueueAsync("team-a", 3, fromMs: 0, credits: 400);
        var rules = new GrantRules(10) { DailyBudgets = new Dictionary<string, long> { ["team-a"] = 1000 }, DefaultDailyBudget = 50 };

        var pass = await Grants().GrantAsync(rules);

        Assert.Equal(line.Take(2), pass.Granted.Select(x => x.RequestId));
        Assert.Equal([line[2]], pass.Refused.Select(x => x.RequestId));
        var refusal = await InReportTransactionAsync(queue => queue.ClaimDecisionAsync(line[2]));
        Assert.Equal(SlotDecisionKind.Refused, refusal.Kind);
        Assert.Equal("The provider estimated 400 credits, above what requester \"team-a\"'s daily credit budget has left today " +
                     "(200 of 1000, Credits__DailyBudgets__team-a; the budget renews at 00:00 UTC).", refusal.Reason);
        await ReleaseAsync(line[2]);

        // The first completes having used 100: 500 spent today, so another 400 fits.
        await ReleaseAsync(line[0], charged: 100);
        var later = await EnqueueAsync("team-a", 1, fromMs: 1000, credits: 400);
        Assert.Equal(later, (await Grants().GrantAsync(rules)).Granted.Select(x => x.RequestId));

        // Without a budget of its own, a requester has the default.
        var other = await EnqueueAsync("", 1, fromMs: 2000, credits: 51);
        var refused = Assert.Single((await Grants().GrantAsync(rules)).Refused);
        Assert.Equal(other[0], refused.RequestId);
        Assert.Contains("requests without requestedBy", (await InReportTransactionAsync(queue => queue.ClaimDecisionAsync(other[0]))).Reason);
    }

    [Fact]
    public async Task A_report_the_accounts_credits_do_not_cover_waits_is_told_once_and_goes_when_credits_free()
    {
        var line = await EnqueueAsync("team-a", 3, fromMs: 0, credits: 400);
        var rules = new GrantRules(10) { AccountCredits = 1000 };

        var first = await Grants().GrantAsync(rules);
        Assert.Equal(line.Take(2), first.Granted.Select(x => x.RequestId));
        var held = Assert.Single(first.Held);
        Assert.Equal((line[2], 400L, 200L), (held.RequestId, held.EstimatedCredits, held.AvailableCredits));

        // Still not covered: it keeps waiting, and is not told again.
        var second = await Grants(Instances - 1).GrantAsync(rules);
        Assert.Empty(second.Granted);
        Assert.Empty(second.Held);
        Assert.Equal(SlotDecisionKind.None, (await InReportTransactionAsync(queue => queue.ClaimDecisionAsync(line[2]))).Kind);

        // One in flight completes: its estimate no longer counts against the account.
        await ReleaseAsync(line[0]);
        Assert.Equal([line[2]], (await Grants().GrantAsync(rules)).Granted.Select(x => x.RequestId));
    }

    [Fact]
    public async Task Instances_granting_at_once_never_pass_the_cap_or_a_requesters_cap()
    {
        const int cap = 6;
        var rules = new GrantRules(cap) { MaxInFlightPerRequester = 3 };
        var line = new List<Guid>();
        foreach (var (requester, index) in new[] { "a", "b", "c" }.Select((r, i) => (r, i)))
            line.AddRange(await EnqueueAsync(requester, 15, fromMs: index * 7));
        var holding = new List<Guid>();
        var granted = new HashSet<Guid>();
        var random = new Random(11);

        while (granted.Count < line.Count)
        {
            var passes = await Task.WhenAll(Enumerable.Range(0, Instances * 3).Select(i => Task.Run(() => Grants(i % Instances).GrantAsync(rules))));
            foreach (var grant in passes.SelectMany(x => x.Granted))
            {
                Assert.True(granted.Add(grant.RequestId), "granted twice");
                holding.Add(grant.RequestId);
            }

            var byRequester = await HoldingAsync();
            Assert.InRange(byRequester.Values.Sum(), 0, cap);
            Assert.All(byRequester.Values, count => Assert.InRange(count, 0, 3));
            Assert.Equal(holding.Count, byRequester.Values.Sum());

            var ending = holding.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
            await Task.WhenAll(ending.Select((id, i) => ReleaseAsync(id, instance: i % Instances)));
            holding.RemoveAll(ending.Contains);
        }
    }
}
