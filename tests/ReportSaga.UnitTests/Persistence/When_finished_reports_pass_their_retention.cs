using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.Orchestration;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Reports;
using ReportSaga.Persistence.Retention;
using ReportSaga.Persistence.Storage;
using ReportSaga.Persistence.Submissions;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>Finished reports are removed after <c>Reports__Retention</c>; nothing unfinished or recent is touched (SQLite, a real database).</summary>
public sealed class When_finished_reports_pass_their_retention : IAsyncLifetime
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private ServiceProvider _provider = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Reports:Retention"] = Retention.ToString() })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddReportSagaOptions(configuration);
        services.AddReportSagaPersistence(_storage.Settings);
        _provider = services.BuildServiceProvider();
        await ReportSagaDatabase.MigrateAsync(_provider);
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        _storage.Dispose();
    }

    private FinishedReportRetentionService Retainer => _provider.GetRequiredService<FinishedReportRetentionService>();

    private async Task<Guid> AddReportAsync(string state, TimeSpan age, bool withLedgerRow = true) =>
        (await AddReportsAsync(1, state, age, _ => withLedgerRow))[0];

    private async Task<List<Guid>> AddReportsAsync(int count, string state, TimeSpan age, Func<int, bool> withLedgerRow)
    {
        var changed = _time.GetUtcNow() - age;
        await using var db = _provider.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            db.Reports.Add(new ReportState { CorrelationId = id, CurrentState = state, CreatedAt = changed, UpdatedAt = changed });
            db.ReportHistory.Add(new ReportHistoryRecord { RequestId = id, At = changed, Event = "Requested", ToState = state, Outcome = "request accepted" });
            if (withLedgerRow(i))
                db.SubmissionRecords.Add(new SubmissionRecord { RequestId = id, State = SubmissionRecordState.Submitted, ReportId = "rep", UpdatedAt = changed.UtcDateTime });
        }

        await db.SaveChangesAsync();
        return ids;
    }

    private async Task<(HashSet<Guid> Reports, HashSet<Guid> Ledger)> RemainingAsync()
    {
        await using var db = _provider.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
        return ([.. await db.Reports.Select(x => x.CorrelationId).ToListAsync()],
                [.. await db.SubmissionRecords.Select(x => x.RequestId).ToListAsync()]);
    }

    private async Task<HashSet<Guid>> ReportsWithHistoryAsync()
    {
        await using var db = _provider.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
        return [.. await db.ReportHistory.Select(x => x.RequestId).Distinct().ToListAsync()];
    }

    [Fact]
    public async Task Old_finished_reports_go_with_their_ledger_and_history_rows_and_the_rest_stay()
    {
        var oldCompleted = await AddReportAsync(nameof(ReportStateMachine.Completed), Retention + TimeSpan.FromHours(1));
        var oldFailed = await AddReportAsync(nameof(ReportStateMachine.Failed), Retention * 3, withLedgerRow: false);
        var recentCompleted = await AddReportAsync(nameof(ReportStateMachine.Completed), Retention - TimeSpan.FromHours(1));
        // A report waiting on the provider for longer than the retention is still running: never removed.
        var oldWaiting = await AddReportAsync(nameof(ReportStateMachine.Waiting), Retention * 2);

        Assert.Equal(2, await Retainer.PurgeAsync(CancellationToken.None));

        var (reports, ledger) = await RemainingAsync();
        Assert.Equal(new[] { recentCompleted, oldWaiting }.Order(), reports.Order());
        Assert.Equal(new[] { recentCompleted, oldWaiting }.Order(), ledger.Order());
        Assert.Equal(new[] { recentCompleted, oldWaiting }.Order(), (await ReportsWithHistoryAsync()).Order());
        Assert.DoesNotContain(oldCompleted, reports);
        Assert.DoesNotContain(oldFailed, reports);
    }

    [Fact]
    public async Task More_than_one_batch_is_removed_in_one_pass()
    {
        var count = FinishedReportRetentionService.BatchSize + 7;
        await AddReportsAsync(count, nameof(ReportStateMachine.Failed), Retention * 2, i => i % 2 == 0);

        Assert.Equal(count, await Retainer.PurgeAsync(CancellationToken.None));
        Assert.Equal(0, await Retainer.PurgeAsync(CancellationToken.None));
        var (reports, ledger) = await RemainingAsync();
        Assert.Empty(reports);
        Assert.Empty(ledger);
    }
}
