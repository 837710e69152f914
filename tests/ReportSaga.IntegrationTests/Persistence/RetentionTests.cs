using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Orchestration;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Retention;
using ReportSaga.Persistence.Storage;
using ReportSaga.Persistence.Submissions;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>Finished reports past <c>Reports__Retention</c> are removed on PostgreSQL, by two instances at once.</summary>
public sealed class When_two_instances_remove_finished_reports_from_postgres(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly List<ServiceProvider> _instances = [];

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Reports:Retention"] = Retention.ToString() })
            .Build();
        for (var i = 0; i < 2; i++)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<TimeProvider>(_time);
            services.AddReportSagaOptions(configuration);
            services.AddReportSagaPersistence(StorageSettings.ForPostgres(infrastructure.PostgresConnectionString));
            _instances.Add(services.BuildServiceProvider());
        }
        await ReportSagaDatabase.MigrateAsync(_instances[0]);
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
    }

    private ReportSagaDbContext NewDbContext() => _instances[0].GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();

    private async Task<List<Guid>> AddReportsAsync(int count, string state, TimeSpan age)
    {
        var changed = _time.GetUtcNow() - age;
        await using var db = NewDbContext();
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            db.Reports.Add(new ReportState { CorrelationId = id, CurrentState = state, CreatedAt = changed, UpdatedAt = changed });
            db.SubmissionRecords.Add(new SubmissionRecord { RequestId = id, State = SubmissionRecordState.Submitted, ReportId = "rep", UpdatedAt = changed.UtcDateTime });
        }

        await db.SaveChangesAsync();
        return ids;
    }

    [Fact]
    public async Task Old_finished_reports_go_once_and_recent_or_running_ones_stay()
    {
        await AddReportsAsync(FinishedReportRetentionService.BatchSize + 30, nameof(ReportStateMachine.Completed), Retention * 2);
        await AddReportsAsync(40, nameof(ReportStateMachine.Failed), Retention + TimeSpan.FromMinutes(1));
        var recent = await AddReportsAsync(5, nameof(ReportStateMachine.Failed), Retention - TimeSpan.FromMinutes(1));
        var running = await AddReportsAsync(5, nameof(ReportStateMachine.Waiting), Retention * 2);

        var removed = await Task.WhenAll(_instances.Select(instance =>
            Task.Run(() => instance.GetRequiredService<FinishedReportRetentionService>().PurgeAsync(CancellationToken.None))));

        Assert.Equal(FinishedReportRetentionService.BatchSize + 70, removed.Sum());
        await using var db = NewDbContext();
        Assert.Equal(recent.Concat(running).Order(), (await db.Reports.Select(x => x.CorrelationId).ToListAsync()).Order());
        Assert.Equal(recent.Concat(running).Order(), (await db.SubmissionRecords.Select(x => x.RequestId).ToListAsync()).Order());
    }
}
