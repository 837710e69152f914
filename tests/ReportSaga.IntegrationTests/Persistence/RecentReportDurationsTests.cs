using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Orchestration;
using ReportSaga.Orchestration.Policies;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>What the polling policy learns from, read on PostgreSQL by two instances.</summary>
public sealed class When_two_instances_read_recent_report_durations_from_postgres(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly List<ServiceProvider> _instances = [];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<TimeProvider>(_time);
            services.AddReportSagaOptions(new ConfigurationBuilder().Build());
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
    public async Task Both_answer_the_most_recently_completed_reports_of_similar_size()
    {
        await AddAsync(nameof(ReportStateMachine.Completed), 1100, TimeSpan.FromMinutes(20), finishedAgo: TimeSpan.FromHours(3));
        await AddAsync(nameof(ReportStateMachine.Completed), 1500, TimeSpan.FromMinutes(30), finishedAgo: TimeSpan.FromHours(1));
        await AddAsync(nameof(ReportStateMachine.Completed), 2100, TimeSpan.FromMinutes(40), finishedAgo: TimeSpan.FromHours(2));
        await AddAsync(nameof(ReportStateMachine.Completed), 1024, TimeSpan.FromMinutes(50), finishedAgo: TimeSpan.FromHours(2));
        await AddAsync(nameof(ReportStateMachine.Failed), 1200, TimeSpan.FromMinutes(1), finishedAgo: TimeSpan.FromMinutes(5));
        await AddAsync(nameof(ReportStateMachine.Waiting), 1200, TimeSpan.FromMinutes(2), finishedAgo: TimeSpan.FromMinutes(5));

        foreach (var instance in _instances)
            Assert.Equal([TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(50)],
                await instance.GetRequiredService<IRecentReportDurations>().SimilarAsync(1300, 2));
    }
}
