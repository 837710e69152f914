using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// The EF Core saga repository on a real database (in-memory transport: the repository is under test, not the broker):
/// inserts, optimistic updates retried after a conflict, concurrent messages for one instance, concurrent initial
/// messages. Written once; each database's subclass gives the storage.
/// </summary>
public abstract class SagaRepositoryTests : IAsyncLifetime
{
    private PersistenceTestHost _host = null!;

    /// <summary>The database for this test.</summary>
    protected abstract Task<StorageSettings> CreateStorageAsync();

    protected virtual Task DropStorageAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _host = await PersistenceTestHost.StartAsync(await CreateStorageAsync());

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await DropStorageAsync();
    }

    [Fact]
    public async Task A_saga_is_inserted_loaded_updated_and_deleted()
    {
        var id = Guid.NewGuid();
        await _host.Harness.Bus.Publish(new StartTestReport(id, """{"metrics":["visits"]}"""));

        var inserted = await Eventually.Until(() => _host.FindReportAsync(id), r => r is not null);
        Assert.NotNull(inserted);
        Assert.Equal("Started", inserted.CurrentState);
        Assert.Equal("""{"metrics":["visits"]}""", inserted.Report);
        Assert.Equal(TimeSpan.Zero, inserted.CreatedAt.Offset);
        Assert.Equal(1, inserted.Version);

        await _host.Harness.Bus.Publish(new BumpTestReport(id));
        var updated = await Eventually.Until(() => _host.FindReportAsync(id), r => r?.PollCount == 1);
        Assert.Equal(1, updated!.PollCount);
        Assert.Equal(2, updated.Version);

        await _host.Harness.Bus.Publish(new FinishTestReport(id));
        Assert.Null(await Eventually.Until(() => _host.FindReportAsync(id), r => r is null));
    }

    [Fact]
    public async Task A_conflicting_update_is_retried_to_the_right_result()
    {
        var id = Guid.NewGuid();
        await _host.Harness.Bus.Publish(new StartTestReport(id, "{}"));
        await Eventually.Until(() => _host.FindReportAsync(id), r => r is not null);

        _host.Conflicts.Enabled = true;
        await _host.Harness.Bus.Publish(new BumpTestReport(id));

        var report = await Eventually.Until(() => _host.FindReportAsync(id), r => r?.PollCount == 1);
        Assert.Equal(2, _host.Conflicts.AttemptsFor(id));
        Assert.Equal(1, report!.PollCount);
        Assert.Equal(2, report.Version);
    }

    [Fact]
    public async Task Concurrent_messages_for_one_instance_all_apply()
    {
        const int bumps = 30;
        var id = Guid.NewGuid();
        await _host.Harness.Bus.Publish(new StartTestReport(id, "{}"));
        await Eventually.Until(() => _host.FindReportAsync(id), r => r is not null);

        await Task.WhenAll(Enumerable.Range(0, bumps).Select(_ => _host.Harness.Bus.Publish(new BumpTestReport(id))));

        var report = await Eventually.Until(() => _host.FindReportAsync(id), r => r?.PollCount == bumps);
        Assert.Equal(bumps, report!.PollCount);
        Assert.Equal(bumps + 1, report.Version);
    }

    [Fact]
    public async Task Concurrent_initial_messages_create_one_instance()
    {
        const int starts = 10;
        var id = Guid.NewGuid();
        await Task.WhenAll(Enumerable.Range(0, starts).Select(_ => _host.Harness.Bus.Publish(new StartTestReport(id, "{}"))));

        // Every duplicate start after the first counts on the one instance.
        var report = await Eventually.Until(() => _host.FindReportAsync(id), r => r?.RetryAttempts == starts - 1);
        Assert.Equal(starts - 1, report!.RetryAttempts);
        Assert.Equal(1, await _host.QueryAsync(db => db.Reports.CountAsync(x => x.CorrelationId == id)));
    }

    [Fact]
    public async Task The_stale_writer_gets_a_retryable_concurrency_conflict()
    {
        var id = Guid.NewGuid();
        await _host.QueryAsync(async db =>
        {
            db.Reports.Add(new ReportState { CorrelationId = id, CurrentState = "Waiting", Report = "{}", CreatedAt = DateTimeOffset.Now });
            return await db.SaveChangesAsync();
        });

        await using var firstScope = _host.Provider.CreateAsyncScope();
        await using var secondScope = _host.Provider.CreateAsyncScope();
        var first = firstScope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
        var second = secondScope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
        var mine = await first.Reports.SingleAsync(x => x.CorrelationId == id);
        var theirs = await second.Reports.SingleAsync(x => x.CorrelationId == id);
        theirs.PollCount = 5;
        await second.SaveChangesAsync();
        mine.PollCount = 1;

        var conflict = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => first.SaveChangesAsync());

        Assert.True(StorageErrors.IsRetryable(conflict));
        var stored = await _host.FindReportAsync(id);
        Assert.Equal((5, 2), (stored!.PollCount, stored.Version));
    }
}
