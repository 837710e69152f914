using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.Orchestration;
using ReportSaga.Orchestration.Policies;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Reports;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// What the polling policy learns from: completed reports' own rows, read by every instance. Written once; each
/// database's subclass gives the storage and how many service instances share it.
/// </summary>
public abstract class RecentReportDurationsTests : IAsyncLifetime
{
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
        for (var i = 0; i < Instances; i++)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<TimeProvider>(_time);
            services.AddReportSagaOptions(new ConfigurationBuilder().Build());
            services.AddReportSagaPersistence(settings);
            _instances.Add(services.BuildServiceProvider());
        }
        await ReportSagaDatabase.MigrateAsync(_instances[0]);
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
        await DropStorageAsync();
    }

    private IEnumerable<IRecentReportDurations> Stores => _instances.Select(x => x.GetRequiredService<IRecentReportDurations>());

    /// <summary>Adds a report submitted <paramref name="took"/> before it finished, <paramref name="finishedAgo"/> ago.</summary>
    private async Task AddAsync(string state, long? credits, TimeSpan took, TimeSpan finishedAgo)
    {
        var finished = _time.GetUtcNow() - finishedAgo;
        await using var db = _instances[0].GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
        db.Reports.Add(new ReportState
        {
            CorrelationId = Guid.NewGuid(),
            CurrentState = state,
            EstimatedCredits = credits,
            CreatedAt = finished - took - TimeSpan.FromSeconds(1),
            SubmittedAt = finished - took,
            CompletedAt = state == nameof(ReportStateMachine.Completed) ? finished : null,
            UpdatedAt = finished,
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task The_most_recently_completed_reports_of_similar_size_are_answered_and_nothing_else()
    {
        await AddAsync(nameof(ReportStateMachine.Completed), 1100, TimeSpan.FromMinutes(20), finishedAgo: TimeSpan.FromHours(3));
        await AddAsync(nameof(ReportStateMachine.Completed), 1500, TimeSpan.FromMinutes(30), finishedAgo: TimeSpan.FromHours(1));
        await AddAsync(nameof(ReportStateMachine.Completed), 2100, TimeSpan.FromMinutes(40), finishedAgo: TimeSpan.FromHours(2));
        await AddAsync(nameof(ReportStateMachine.Completed), 1024, TimeSpan.FromMinutes(50), finishedAgo: TimeSpan.FromHours(2));
        await AddAsync(nameof(ReportStateMachine.Failed), 1200, TimeSpan.FromMinutes(1), finishedAgo: TimeSpan.FromMinutes(5));
        await AddAsync(nameof(ReportStateMachine.Waiting), 1200, TimeSpan.FromMinutes(2), finishedAgo: TimeSpan.FromMinutes(5));

        foreach (var store in Stores)
        {
            Assert.Equal([TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(50)], await store.SimilarAsync(1300, 2));
            Assert.Empty(await store.SimilarAsync(null, 10));
        }
    }

    [Fact]
    public async Task A_report_completed_since_the_last_read_is_learned_within_a_minute()
    {
        await AddAsync(nameof(ReportStateMachine.Completed), 500, TimeSpan.FromMinutes(20), finishedAgo: TimeSpan.FromHours(1));
        foreach (var store in Stores)
            Assert.Equal([TimeSpan.FromMinutes(20)], await store.SimilarAsync(500, 10));

        await AddAsync(nameof(ReportStateMachine.Completed), 510, TimeSpan.FromMinutes(7), finishedAgo: TimeSpan.Zero);
        foreach (var store in Stores)
            Assert.Equal([TimeSpan.FromMinutes(20)], await store.SimilarAsync(500, 10));

        _time.Advance(RecentReportDurations.Freshness);
        foreach (var store in Stores)
            Assert.Equal([TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(20)], await store.SimilarAsync(500, 10));
    }
}
