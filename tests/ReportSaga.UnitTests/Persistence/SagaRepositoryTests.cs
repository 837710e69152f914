using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>The EF Core saga repository on a real SQLite file.</summary>
public sealed class When_sagas_are_stored_in_sqlite : IAsyncLifetime
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();
    private PersistenceTestHost _host = null!;

    public async Task InitializeAsync() => _host = await PersistenceTestHost.StartAsync(_storage.Settings);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _storage.Dispose();
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
        Assert.Equal(1, inserted.Version);

        await _host.Harness.Bus.Publish(new BumpTestReport(id));
        var updated = await Eventually.Until(() => _host.FindReportAsync(id), r => r?.PollCount == 1);
        Assert.Equal(1, updated!.PollCount);
        Assert.Equal(2, updated.Version);

        await _host.Harness.Bus.Publish(new FinishTestReport(id));
        var deleted = await Eventually.Until(() => _host.FindReportAsync(id), r => r is null);
        Assert.Null(deleted);
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
        var id = Guid.NewGuid();
        await _host.Harness.Bus.Publish(new StartTestReport(id, "{}"));
        await Eventually.Until(() => _host.FindReportAsync(id), r => r is not null);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _host.Harness.Bus.Publish(new BumpTestReport(id))));

        var report = await Eventually.Until(() => _host.FindReportAsync(id), r => r?.PollCount == 20);
        Assert.Equal(20, report!.PollCount);
        Assert.Equal(21, report.Version);
    }

    [Fact]
    public async Task Concurrent_initial_messages_create_one_instance()
    {
        var id = Guid.NewGuid();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _host.Harness.Bus.Publish(new StartTestReport(id, "{}"))));

        var report = await Eventually.Until(() => _host.FindReportAsync(id), r => r?.RetryAttempts == 7);
        Assert.Equal(7, report!.RetryAttempts);
        Assert.Equal(1, await _host.QueryAsync(db => db.Reports.CountAsync(x => x.CorrelationId == id)));
    }
}

/// <summary>The mappings and the optimistic version check, straight on the DbContext.</summary>
public sealed class When_two_writers_update_the_same_saga_row_in_sqlite : IDisposable
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();

    public void Dispose() => _storage.Dispose();

    [Fact]
    public async Task The_stale_writer_gets_a_retryable_concurrency_conflict()
    {
        await using var provider = await BuildAsync();
        var id = Guid.NewGuid();
        await WithDb(provider, async db =>
        {
            db.Reports.Add(new ReportState { CorrelationId = id, CurrentState = "Waiting", Report = "{}", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        });

        await using var firstScope = provider.CreateAsyncScope();
        await using var secondScope = provider.CreateAsyncScope();
        var first = firstScope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
        var second = secondScope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
        var mine = await first.Reports.SingleAsync(x => x.CorrelationId == id);
        var theirs = await second.Reports.SingleAsync(x => x.CorrelationId == id);

        theirs.PollCount = 5;
        await second.SaveChangesAsync();
        mine.PollCount = 1;
        var conflict = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => first.SaveChangesAsync());

        Assert.True(StorageErrors.IsRetryable(conflict));
        var stored = await WithDb(provider, db => db.Reports.AsNoTracking().SingleAsync(x => x.CorrelationId == id));
        Assert.Equal(5, stored.PollCount);
        Assert.Equal(2, stored.Version);
    }

    private async Task<ServiceProvider> BuildAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReportSagaPersistence(_storage.Settings);
        var provider = services.BuildServiceProvider();
        await ReportSagaDatabase.MigrateAsync(provider);
        return provider;
    }

    private static async Task WithDb(IServiceProvider provider, Func<ReportSagaDbContext, Task> work)
    {
        await using var scope = provider.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>());
    }

    private static async Task<T> WithDb<T>(IServiceProvider provider, Func<ReportSagaDbContext, Task<T>> work)
    {
        await using var scope = provider.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>());
    }
}
