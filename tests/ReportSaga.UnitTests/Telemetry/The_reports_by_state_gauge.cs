using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Orchestration.Telemetry;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;
using ReportSaga.Persistence.Submissions;
using ReportSaga.Persistence.Telemetry;
using ReportSaga.Testing.Persistence;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Telemetry;

/// <summary>
/// <c>reportsaga.report.count</c> on a real SQLite database: how many unfinished reports are in each saga
/// state, counted in the background and reported from the cache when metrics are collected; and the submission gate's
/// line, counted with them.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class The_reports_by_state_gauge : IAsyncLifetime
{
    private const string IntervalKey = "Telemetry:ReportsByStateInterval";

    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-29T10:00:00Z"));
    private ServiceProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _provider = Services(new Dictionary<string, string?>()).BuildServiceProvider();
        await ReportSagaDatabase.MigrateAsync(_provider);
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        _storage.Dispose();
    }

    [Fact]
    public async Task Counts_each_unfinished_state_and_reports_zero_for_the_empty_ones()
    {
        await AddReportsAsync(("Waiting", 3), ("Queued", 2), ("Validating", 1), ("Completed", 5), ("Failed", 4), (null, 1));
        var gauge = Create();

        await gauge.RefreshAsync();

        Assert.Equal(
            [("Validating", 1L), ("Queued", 2L), ("Submitting", 0L), ("Waiting", 3L), ("Retrying", 0L)],
            gauge.Counts);
    }

    [Fact]
    public async Task Reports_nothing_before_its_first_count_and_follows_the_table_at_each_interval()
    {
        await AddReportsAsync(("Waiting", 2));
        var gauge = Create(new Dictionary<string, string?> { [IntervalKey] = "00:00:05" });
        Assert.Empty(gauge.Counts);

        await gauge.StartAsync(CancellationToken.None);
        try
        {
            var first = await Eventually.Until(() => Task.FromResult(gauge.Counts), counts => counts.Count > 0);
            Assert.Contains(("Waiting", 2L), first);

            await AddReportsAsync(("Waiting", 1), ("Retrying", 1));
            // Time moves on by whole intervals until the next count has happened (the gauge may not be waiting yet).
            var next = await Eventually.Until(() =>
            {
                _time.Advance(TimeSpan.FromSeconds(5));
                return Task.FromResult(gauge.Counts);
            }, counts => counts.Contains(("Retrying", 1L)));
            Assert.Contains(("Waiting", 3L), next);
            Assert.Contains(("Retrying", 1L), next);
        }
        finally
        {
            await gauge.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_metric_reads_the_cached_counts_tagged_by_state()
    {
        await AddReportsAsync(("Submitting", 2));
        var gauge = Create();
        await gauge.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.Until(() => Task.FromResult(gauge.Counts), counts => counts.Count > 0);

            var measured = Collect();

            Assert.Equal(ReportStates.Unfinished.Order(), measured.Keys.Order());
            Assert.Equal(2, measured["Submitting"]);
            Assert.Equal(0, measured["Waiting"]);
        }
        finally
        {
            await gauge.StopAsync(CancellationToken.None);
        }

        Assert.Empty(Collect()); // a stopped gauge stops reporting
    }

    [Fact]
    public async Task Counts_the_submission_gates_line_with_the_reports_and_its_cap_from_the_settings()
    {
        await AddGateEntriesAsync(granted: 2, waiting: 5);
        var gate = Create();
        Assert.Null(gate.Gate);

        await gate.RefreshAsync();

        Assert.Equal(new SubmissionGateReading(InFlight: 2, Waiting: 5, MaxInFlight: 7), gate.Gate);
    }

    [Fact]
    public void Its_states_are_the_report_saga_states_before_the_end()
    {
        var machine = new ReportStateMachine(Options.Create(new PollingOptions()), Options.Create(new ReportsOptions()),
            Options.Create(new SubmissionOptions()), TimeProvider.System, NullLogger<ReportStateMachine>.Instance);

        var unfinished = machine.States.Select(state => state.Name)
            .Except([machine.Initial.Name, machine.Final.Name, machine.Completed.Name, machine.Failed.Name]);

        Assert.Equal(unfinished.Order(), ReportStates.Unfinished.Order());
    }

    [Fact]
    public void Refreshes_every_15_seconds_unless_told_otherwise()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), Create().Interval);
        Assert.Equal(TimeSpan.FromMinutes(1), Create(new Dictionary<string, string?> { [IntervalKey] = "00:01:00" }).Interval);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    public void A_bad_interval_setting_stops_start_up_naming_the_key(string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Create(new Dictionary<string, string?> { [IntervalKey] = value }));

        Assert.Contains("Telemetry__ReportsByStateInterval", error.Message);
    }

    /// <summary>A gauge with its options bound and checked from <paramref name="settings"/> as the service does.</summary>
    private ReportStateGauge Create(Dictionary<string, string?>? settings = null)
    {
        using var bound = new ServiceCollection().AddReportGauges(Configuration(settings ?? [])).BuildServiceProvider();
        var options = Options.Create(bound.GetRequiredService<IOptions<ReportGaugeOptions>>().Value);
        return new(_provider.GetRequiredService<IServiceScopeFactory>(), options, _time, NullLogger<ReportStateGauge>.Instance);
    }

    private IServiceCollection Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IConfiguration>(Configuration(settings));
        services.Configure<SubmissionOptions>(options => options.MaxInFlight = 7);
        services.AddReportSagaPersistence(_storage.Settings);
        return services;
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private async Task AddReportsAsync(params (string? State, int Count)[] reports)
    {
        await using var scope = _provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
        foreach (var (state, count) in reports)
        {
            for (var i = 0; i < count; i++)
                db.Reports.Add(new ReportState { CorrelationId = Guid.NewGuid(), CurrentState = state, CreatedAt = _time.GetUtcNow(), UpdatedAt = _time.GetUtcNow() });
        }

        await db.SaveChangesAsync();
    }

    private async Task AddGateEntriesAsync(int granted, int waiting)
    {
        await using var scope = _provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
        var now = _time.GetUtcNow().UtcDateTime;
        for (var i = 0; i < granted + waiting; i++)
            db.SubmissionSlots.Add(new SubmissionSlot { RequestId = Guid.NewGuid(), QueuedAt = now, GrantedAt = i < granted ? now : null });
        await db.SaveChangesAsync();
    }

    /// <summary>What a metrics exporter would read from the gauge now, by state.</summary>
    private static Dictionary<string, long> Collect()
    {
        var measured = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ReportSagaTelemetry.MeterName && instrument.Name == ReportSagaMetricNames.ReportCount)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == ReportSagaTags.State)
                    measured[(string)tag.Value!] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return measured;
    }
}
