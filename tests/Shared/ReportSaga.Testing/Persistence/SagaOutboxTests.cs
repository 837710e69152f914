using Microsoft.Extensions.DependencyInjection;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// A saga behind the outbox: its state and its events commit together, so a conflicted attempt's event is discarded
/// and concurrent messages each publish the count their own transaction committed. Written once; each database's
/// subclass gives the storage and the transport.
/// </summary>
public abstract class SagaOutboxTests : IAsyncLifetime
{
    private PersistenceTestHost _host = null!;

    /// <summary>The database for this test.</summary>
    protected abstract Task<StorageSettings> CreateStorageAsync();

    protected virtual Task DropStorageAsync() => Task.CompletedTask;

    /// <summary>
    /// The row's version after one conflicted attempt and its retry. The conflict is written through the attempt's own
    /// connection: on PostgreSQL the outbox holds a transaction for the whole consume, so that write rolls back with the
    /// attempt (2); on SQLite the consume holds an in-process lock instead and saves once at its end, so the write
    /// commits on its own, as another writer's would (3).
    /// </summary>
    protected abstract int VersionAfterOneConflict { get; }

    /// <summary>The broker the bus runs on (read after <see cref="CreateStorageAsync"/>).</summary>
    protected virtual TestTransport Transport => TestTransport.InMemory;

    public async Task InitializeAsync()
    {
        var settings = await CreateStorageAsync();
        _host = await PersistenceTestHost.StartAsync(settings,
            configureBus: x =>
            {
                x.AddReportSagaOutbox(o => o.RunInboxCleanup = false);
                x.AddConsumer<BumpedSubscriber>().Endpoint(e => e.Name = "bumped-subscriber");
            },
            configureServices: services => services.AddSingleton<BumpedLog>(),
            transport: Transport);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await DropStorageAsync();
    }

    private BumpedLog Bumped => _host.Provider.GetRequiredService<BumpedLog>();

    [Fact]
    public async Task A_conflicted_attempts_event_is_discarded_and_the_retry_publishes_once()
    {
        var id = Guid.NewGuid();
        await _host.Harness.Bus.Publish(new StartTestReport(id, "{}"));
        await Eventually.Until(() => _host.FindReportAsync(id), r => r is not null);

        _host.Conflicts.Enabled = true;
        await _host.Harness.Bus.Publish(new BumpTestReport(id));

        await Eventually.Until(() => Task.FromResult(Bumped.For(id)), l => l.Count > 0);
        await _host.Harness.InactivityTask;
        var report = await _host.FindReportAsync(id);
        Assert.Equal(2, _host.Conflicts.AttemptsFor(id));
        Assert.Equal((1, VersionAfterOneConflict), (report!.PollCount, report.Version));
        Assert.Equal(1, Assert.Single(Bumped.For(id)).PollCount);
    }

    [Fact]
    public async Task Concurrent_messages_for_one_instance_all_apply_and_each_publishes_its_own_count()
    {
        const int bumps = 30;
        var id = Guid.NewGuid();
        await _host.Harness.Bus.Publish(new StartTestReport(id, "{}"));
        await Eventually.Until(() => _host.FindReportAsync(id), r => r is not null);

        await Task.WhenAll(Enumerable.Range(0, bumps).Select(_ => _host.Harness.Bus.Publish(new BumpTestReport(id))));

        var report = await Eventually.Until(() => _host.FindReportAsync(id), r => r?.PollCount == bumps);
        Assert.Equal(bumps, report!.PollCount);
        await Eventually.Until(() => Task.FromResult(Bumped.For(id)), l => l.Count >= bumps);
        await _host.Harness.InactivityTask;
        // One event per applied message, each carrying the count its own transaction committed.
        Assert.Equal(Enumerable.Range(1, bumps), Bumped.For(id).Select(x => x.PollCount).Order());
    }
}
