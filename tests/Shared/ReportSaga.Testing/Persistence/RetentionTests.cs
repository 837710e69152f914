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

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// Finished reports are removed after <c>Reports__Retention</c>, with their ledger and history rows; nothing unfinished
/// or recent is touched, and instances purging at once remove each report once. Written once; each database's
/// subclass gives the storage and how many service instances share it.
/// </summary>
public abstract class RetentionTests : IAsyncLifetime
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly List<ServiceProvider> _instances = [];

    /// <summary>The database for this test.</summary>
    protected abstract Task<StorageSettings> CreateStorageAsync();

    protected virtual Task DropStorageAsync() => Task.CompletedTask;

    /// <summary>How many service instances share the database (SQLite serves one).</summary>
    protected abstract int Instances { get; }

    public async Task InitializeAsync()
    {
        var settings = await CreateStorageAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Reports:Retention"] = Retention.ToString() })
            .Build();
        for (var i = 0; i < Instances; i++)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<TimeProvider>(_time);
            services.AddReportSagaOptions(configuration);
            services.AddReportSagaPersistence(settings);
            _instances.Add(services.BuildServiceProvider());
        }
        await ReportSagaDatabase.MigrateAsync(_instances[0]);
        // Tests of one class may share a database: each starts with no reports.
        await using var db = NewDbContext();
        await db.ReportHistory.ExecuteDeleteAsync();
        await db.SubmissionRecords.ExecuteDeleteAsync();
        await db.Reports.ExecuteDeleteAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
        await DropStorageAsync();
    }

    private FinishedReportRetentionService Retainer => _instances[0].GetRequiredService<FinishedReportRetentionService>();

    private ReportSagaDbContext NewDbContext() => _instances[0].GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();

    private async Task<Guid> AddReportAsync(string state, TimeSpan age, bool withLedgerRow = true) =>
        (await AddReportsAsync(1, state, age, _ => withLedgerRow))[0];

    private async Task<List<Guid>> AddReportsAsync(int count, string state, TimeSpan age, Func<int, bool>? withLedgerRow = null)
    {
        var changed = _time.GetUtcNow() - age;
        await using var db = NewDbContext();
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            db.Reports.Add(new ReportState { CorrelationId = id, CurrentState = state, CreatedAt = changed, UpdatedAt = changed });
            db.ReportHistory.Add(new ReportHistoryRecord { RequestId = id, At = changed, Event = "Requested", ToState = state, Outcome = "request accepted" });
            if (withLedgerRow?.Invoke(i) ?? true)
                db.SubmissionRecords.Add(new SubmissionRecord { RequestId = id, State = SubmissionRecordState.Submitted, ReportId = "rep", UpdatedAt = changed.UtcDateTime });
        }

        await db.SaveChangesAsync();
        return ids;
    }

    private async Task<(HashSet<Guid> Reports, HashSet<Guid> Ledger)> RemainingAsync()
    {
        await using var db = NewDbContext();
        return ([.. await db.Reports.Select(x => x.CorrelationId).ToListAsync()],
                [.. await db.SubmissionRecords.Select(x => x.RequestId).ToListAsync()]);
    }

    private async Task<HashSet<Guid>> ReportsWithHistoryAsync()
    {
        await using var db = NewDbContext();
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

    [Fact]
    public async Task Instances_purging_at_once_remove_each_old_finished_report_once_and_keep_recent_or_running_ones()
    {
        await AddReportsAsync(FinishedReportRetentionService.BatchSize + 30, nameof(ReportStateMachine.Completed), Retention * 2);
        await AddReportsAsync(40, nameof(ReportStateMachine.Failed), Retention + TimeSpan.FromMinutes(1));
        var recent = await AddReportsAsync(5, nameof(ReportStateMachine.Failed), Retention - TimeSpan.FromMinutes(1));
        var running = await AddReportsAsync(5, nameof(ReportStateMachine.Waiting), Retention * 2);

        var removed = await Task.WhenAll(_instances.Select(instance =>
            Task.Run(() => instance.GetRequiredService<FinishedReportRetentionService>().PurgeAsync(CancellationToken.None))));

        Assert.Equal(FinishedReportRetentionService.BatchSize + 70, removed.Sum());
        var (reports, ledger) = await RemainingAsync();
        Assert.Equal(recent.Concat(running).Order(), reports.Order());
        Assert.Equal(recent.Concat(running).Order(), ledger.Order());
    }
}
