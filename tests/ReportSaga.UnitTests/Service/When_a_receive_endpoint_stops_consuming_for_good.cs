using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.Service.Hosting;
using ReportSaga.Service.Messaging;
using ReportSaga.Service.Messaging.EndpointWatch;
using ReportSaga.UnitTests.BatchApi;

namespace ReportSaga.UnitTests.Service;

/// <summary>
/// The watchdog for a receive endpoint wedged by RabbitMQ.Client (a broker call on a closed channel that never
/// returns): it must end the process to be restarted then, and never during a broker outage or while an endpoint
/// still retries.
/// </summary>
public sealed class When_a_receive_endpoint_stops_consuming_for_good
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Half the watchdog's period (a sixth of the limit): fine enough to see when it acts.</summary>
    private static readonly TimeSpan WatchdogStep = TimeSpan.FromSeconds(10);
    private static readonly Uri Gate = new("rabbitmq://broker/reports/submission-gate");
    private static readonly Uri State = new("rabbitmq://broker/reports/report-state");
    private static readonly Uri Validate = new("rabbitmq://broker/reports/validate-report");

    private readonly FakeTimeProvider _time;

    public When_a_receive_endpoint_stops_consuming_for_good()
        : this(new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero)))
    {
    }

    private When_a_receive_endpoint_stops_consuming_for_good(FakeTimeProvider time) => _time = time;

    [Fact]
    public void An_endpoint_not_consuming_counts_as_silent_once_it_has_reported_nothing_for_the_limit()
    {
        var activity = ActivityAfterACut();
        activity.Ready(State);
        activity.Ready(Validate);

        _time.Advance(Limit - TimeSpan.FromSeconds(1));
        Assert.Empty(activity.FindSilent(Limit));

        _time.Advance(TimeSpan.FromSeconds(1));
        var stuck = Assert.Single(activity.FindSilent(Limit));
        Assert.Equal(Gate, stuck.Endpoint);
        Assert.Equal(Limit, stuck.SilentFor);
        Assert.StartsWith("faulted", stuck.LastReport, StringComparison.Ordinal);
    }

    [Fact]
    public void An_endpoint_that_keeps_reporting_failed_attempts_is_not_silent()
    {
        var activity = ActivityAfterACut();
        activity.Ready(State);
        activity.Ready(Validate);

        // MassTransit retries at most 30 seconds apart, and each failed attempt is reported.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            activity.NotReady(Gate, "faulted (OperationInterruptedException)");
            Assert.Empty(activity.FindSilent(Limit));
        }
    }

    [Fact]
    public void An_endpoint_removed_from_the_bus_is_no_longer_watched()
    {
        var activity = ActivityAfterACut();
        activity.Ready(State);
        activity.Ready(Validate);
        activity.Forget(Gate);

        _time.Advance(Limit * 2);

        Assert.Empty(activity.FindSilent(Limit));
        Assert.Equal((2, 2), activity.Count());
    }

    [Fact]
    public async Task The_watchdog_logs_the_endpoint_and_stops_the_service_with_the_restart_exit_code()
    {
        await using var run = await WatchdogRun.StartAsync(_time);

        Assert.Equal(HealthStatus.Healthy, (await run.Health.CheckHealthAsync(new HealthCheckContext())).Status);
        await AdvanceUntilAsync(() => run.Lifetime.StopRequested, Limit * 2, WatchdogStep);

        Assert.Equal(ServiceExit.ReceiveEndpointWedged, run.Exit.Code);
        Assert.Contains(run.Logs.Lines, line => line.StartsWith("Critical", StringComparison.Ordinal)
                                                && line.Contains("reports/submission-gate", StringComparison.Ordinal)
                                                && line.Contains("exit code 75", StringComparison.Ordinal));
        var report = await run.Health.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("submission-gate", report.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_the_other_endpoints_have_finished_what_they_hold_the_process_exits_without_waiting_for_the_wedged_one()
    {
        await using var run = await WatchdogRun.StartAsync(_time);
        await AdvanceUntilAsync(() => run.Lifetime.StopRequested, Limit * 2, WatchdogStep);

        // The graceful stop: the healthy endpoints finish their messages and complete; the wedged one never does.
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(run.HardExits);
        run.Activity.Completed(State);
        run.Activity.Completed(Validate);
        await AdvanceUntilAsync(() => run.HardExits.Count > 0, TimeSpan.FromSeconds(3));

        Assert.Equal([ServiceExit.ReceiveEndpointWedged], run.HardExits);
    }

    [Fact]
    public async Task The_bus_own_temporary_endpoint_is_not_watched_so_the_exit_does_not_wait_for_it()
    {
        // MassTransit reports the bus's temporary endpoint ready when the bus starts, and not again: it holds none of
        // the service's work. Seen in a real wedge: watched, it kept the process from exiting early.
        await using var run = await WatchdogRun.StartAsync(_time);
        run.Activity.Ready(new Uri("rabbitmq://broker/reports/host_ReportSagaService_bus_abc?temporary=true"));
        Assert.Equal((2, 3), run.Activity.Count());
        await AdvanceUntilAsync(() => run.Lifetime.StopRequested, Limit * 2, WatchdogStep);

        run.Activity.Completed(State);
        run.Activity.Completed(Validate);
        await AdvanceUntilAsync(() => run.HardExits.Count > 0, TimeSpan.FromSeconds(3));

        Assert.Equal([ServiceExit.ReceiveEndpointWedged], run.HardExits);
    }

    [Fact]
    public async Task A_graceful_stop_that_hangs_is_cut_short_after_the_hosts_shutdown_timeout()
    {
        await using var run = await WatchdogRun.StartAsync(_time);
        await AdvanceUntilAsync(() => run.Lifetime.StopRequested, Limit * 2, WatchdogStep);

        // The other endpoints never report completion (still busy): the host's 30 s shutdown timeout, plus 15 s.
        await AdvanceUntilAsync(() => run.HardExits.Count > 0, TimeSpan.FromMinutes(1));

        Assert.Equal([ServiceExit.ReceiveEndpointWedged], run.HardExits);
        Assert.Contains(run.Logs.Lines, line => line.Contains("did not finish within 00:00:45", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_watchdog_does_nothing_while_the_broker_does_not_answer()
    {
        // A broker outage: every endpoint is down and silent (MassTransit may not even report its attempts).
        await using var run = await WatchdogRun.StartAsync(_time, othersConsume: false, brokerAnswers: false);

        await AdvanceFor(TimeSpan.FromMinutes(10), WatchdogStep);

        Assert.True(run.Probes > 0, "The watchdog never asked the broker.");
        Assert.False(run.Lifetime.StopRequested);
        Assert.Equal(0, run.Exit.Code);
        Assert.Equal(HealthStatus.Healthy, (await run.Health.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Fact]
    public async Task After_a_long_outage_the_endpoints_get_time_to_reconnect_before_any_is_called_wedged()
    {
        await using var run = await WatchdogRun.StartAsync(_time, othersConsume: false, brokerAnswers: false);
        await AdvanceFor(TimeSpan.FromMinutes(10), WatchdogStep);

        // The broker is back; MassTransit reconnects the endpoints within its 30 s reconnect delay.
        run.BrokerAnswers = true;
        await AdvanceFor(TimeSpan.FromSeconds(30), WatchdogStep);
        foreach (var endpoint in new[] { Gate, State, Validate })
            run.Activity.Ready(endpoint);
        await AdvanceFor(TimeSpan.FromMinutes(10), WatchdogStep);

        Assert.False(run.Lifetime.StopRequested);
    }

    [Fact]
    public async Task The_watchdog_does_not_act_while_every_endpoint_consumes()
    {
        await using var run = await WatchdogRun.StartAsync(_time);
        run.Activity.Ready(Gate);

        await AdvanceFor(TimeSpan.FromMinutes(10), WatchdogStep);

        Assert.True(run.Probes > 0, "The watchdog never asked the broker.");
        Assert.False(run.Lifetime.StopRequested);
    }

    [Fact]
    public async Task An_endpoint_the_bus_calls_ready_whose_queue_has_had_no_consumer_for_the_limit_is_wedged()
    {
        // Seen: after a cut, endpoints never reported losing their channel, and their queues kept 0 consumers.
        await using var run = await WatchdogRun.StartAsync(_time);
        run.Activity.Ready(Gate);
        run.NoConsumerOn.Add("submission-gate");

        await AdvanceUntilAsync(() => run.Lifetime.StopRequested, Limit * 2, WatchdogStep);

        Assert.Contains(run.Logs.Lines, line => line.StartsWith("Critical", StringComparison.Ordinal)
                                                && line.Contains("reports/submission-gate", StringComparison.Ordinal)
                                                && line.Contains("no consumer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_queue_without_a_consumer_for_a_moment_is_not_a_wedge()
    {
        await using var run = await WatchdogRun.StartAsync(_time);
        run.Activity.Ready(Gate);
        run.NoConsumerOn.Add("submission-gate");
        await AdvanceFor(TimeSpan.FromSeconds(40), WatchdogStep);

        // The endpoint consumes again (its consumer re-registered, and the bus may not even report it).
        run.NoConsumerOn.Clear();
        await AdvanceFor(TimeSpan.FromMinutes(10), WatchdogStep);

        Assert.False(run.Lifetime.StopRequested);
        Assert.Equal((3, 3), run.Activity.Count());
    }

    [Fact]
    public async Task When_every_endpoint_is_wedged_the_process_exits_to_be_restarted_as_soon_as_it_stops()
    {
        // Seen once: after a cut, no endpoint consumed again and the bus did not even reconnect, while the broker answered.
        await using var run = await WatchdogRun.StartAsync(_time, othersConsume: false);

        await AdvanceUntilAsync(() => run.Lifetime.StopRequested, Limit * 2, WatchdogStep);
        await AdvanceUntilAsync(() => run.HardExits.Count > 0, TimeSpan.FromSeconds(2));

        Assert.Equal([ServiceExit.ReceiveEndpointWedged], run.HardExits);
        Assert.Equal(3, (await run.Health.CheckHealthAsync(new HealthCheckContext())).Description!.Split(',').Length);
    }

    [Theory]
    [InlineData("00:00:30")]
    [InlineData("00:00:00")]
    public void A_limit_not_longer_than_the_longest_reconnect_delay_is_refused_naming_the_setting(string limit)
    {
        var result = new RabbitMqOptionsValidator().Validate(null, new RabbitMqOptions { StuckEndpointLimit = TimeSpan.Parse(limit) });

        Assert.True(result.Failed);
        Assert.Contains("RabbitMq__StuckEndpointLimit", result.FailureMessage, StringComparison.Ordinal);
    }

    /// <summary>A receive endpoint (the gate) whose channel closed and whose reconnection attempt failed, then silence.</summary>
    private ReceiveEndpointActivity ActivityAfterACut()
    {
        var activity = new ReceiveEndpointActivity(_time);
        foreach (var endpoint in new[] { Gate, State, Validate })
        {
            activity.Ready(endpoint);
            activity.NotReady(endpoint, "its channel closed");
        }

        activity.NotReady(Gate, "faulted (RabbitMqConnectionException)");
        return activity;
    }

    /// <summary>Moves the fake clock by <paramref name="span"/>, <paramref name="step"/> at a time, letting timers' continuations run.</summary>
    private async Task AdvanceFor(TimeSpan span, TimeSpan step)
    {
        for (var advanced = TimeSpan.Zero; advanced < span; advanced += step)
        {
            _time.Advance(step);
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Moves the fake clock <paramref name="step"/> (default a second) at a time, letting timers' continuations run,
    /// until <paramref name="done"/>.
    /// </summary>
    private async Task AdvanceUntilAsync(Func<bool> done, TimeSpan atMost, TimeSpan? step = null)
    {
        var advanced = TimeSpan.Zero;
        var by = step ?? TimeSpan.FromSeconds(1);
        while (!done())
        {
            Assert.True(advanced <= atMost, $"Not done after {atMost} of fake time.");
            _time.Advance(by);
            advanced += by;
            // Timer continuations run on the thread pool.
            for (var i = 0; i < 20 && !done(); i++)
                await Task.Delay(1);
        }
    }

    /// <summary>
    /// The watchdog running over <see cref="ActivityAfterACut"/>, with the two other endpoints consuming again unless
    /// told otherwise, and a broker that answers its probe unless told otherwise.
    /// </summary>
    private sealed class WatchdogRun : IAsyncDisposable, IBrokerProbe
    {
        private readonly ILoggerFactory _loggers;
        private readonly StuckEndpointWatchdog _watchdog;
        private int _probes;

        private WatchdogRun(FakeTimeProvider time, bool othersConsume, bool brokerAnswers)
        {
            BrokerAnswers = brokerAnswers;
            Activity = new When_a_receive_endpoint_stops_consuming_for_good(time).ActivityAfterACut();
            if (othersConsume)
            {
                Activity.Ready(State);
                Activity.Ready(Validate);
            }

            _loggers = LoggerFactory.Create(builder => builder.AddProvider(Logs));
            var options = Options.Create(new RabbitMqOptions { StuckEndpointLimit = Limit });
            Exit = new ServiceExit(Lifetime, Options.Create(new HostOptions { ShutdownTimeout = TimeSpan.FromSeconds(30) }), time,
                _loggers.CreateLogger<ServiceExit>(), HardExits.Add);
            Health = new ReceiveEndpointsHealthCheck(Activity);
            _watchdog = new StuckEndpointWatchdog(Activity, this, options, Exit, time, _loggers.CreateLogger<StuckEndpointWatchdog>());
        }

        /// <summary>What the broker's probe says.</summary>
        public volatile bool BrokerAnswers;

        /// <summary>How often the watchdog asked the broker.</summary>
        public int Probes => Volatile.Read(ref _probes);

        public ReceiveEndpointActivity Activity { get; }

        public RecordingLifetime Lifetime { get; } = new();

        public CapturingLoggerProvider Logs { get; } = new();

        public List<int> HardExits { get; } = [];

        public ServiceExit Exit { get; }

        public ReceiveEndpointsHealthCheck Health { get; }

        public static async Task<WatchdogRun> StartAsync(FakeTimeProvider time, bool othersConsume = true, bool brokerAnswers = true)
        {
            var run = new WatchdogRun(time, othersConsume, brokerAnswers);
            await run._watchdog.StartAsync(CancellationToken.None);
            return run;
        }

        /// <summary>Queues the broker lists without a consumer; every other queue has one.</summary>
        public HashSet<string> NoConsumerOn { get; } = [];

        public Task<IReadOnlyDictionary<string, uint>?> ConsumerCountsAsync(IReadOnlyCollection<string> queues, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _probes);
            lock (NoConsumerOn)
                return Task.FromResult<IReadOnlyDictionary<string, uint>?>(BrokerAnswers
                    ? queues.ToDictionary(q => q, q => NoConsumerOn.Contains(q) ? 0u : 1u)
                    : null);
        }

        public async ValueTask DisposeAsync()
        {
            await _watchdog.StopAsync(CancellationToken.None);
            _watchdog.Dispose();
            _loggers.Dispose();
        }
    }

    private sealed class RecordingLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public bool StopRequested { get; private set; }

        public void StopApplication() => StopRequested = true;
    }
}
