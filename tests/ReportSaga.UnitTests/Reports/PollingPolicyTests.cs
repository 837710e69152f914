using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Policies;

namespace ReportSaga.UnitTests.Reports;

public sealed class The_polling_policy
{
    private const double NoJitter = 0.5;

    private static PollingPolicy Policy(Action<PollingOptions>? change = null)
    {
        var options = new PollingOptions();
        change?.Invoke(options);
        return new PollingPolicy(options);
    }

    private static TimeSpan[] Durations(int count, TimeSpan quickest) =>
        [quickest, .. Enumerable.Range(1, count - 1).Select(i => quickest + TimeSpan.FromMinutes(i))];

    [Fact]
    public void Without_enough_recent_similar_reports_the_first_check_waits_the_initial_interval()
    {
        var policy = Policy();

        Assert.Equal(TimeSpan.FromSeconds(5), policy.FirstWait([], NoJitter));
        Assert.Equal(TimeSpan.FromSeconds(5), policy.FirstWait(Durations(19, TimeSpan.FromMinutes(30)), NoJitter));
    }

    [Fact]
    public void With_enough_recent_similar_reports_the_first_check_waits_most_of_the_quickest()
    {
        var first = Policy().FirstWait(Durations(20, TimeSpan.FromMinutes(10)), NoJitter);

        Assert.Equal(TimeSpan.FromMinutes(8), first);
    }

    [Fact]
    public void Recent_reports_quicker_than_the_initial_interval_never_make_the_first_check_earlier()
    {
        var first = Policy().FirstWait(Durations(20, TimeSpan.FromSeconds(2)), NoJitter);

        Assert.Equal(TimeSpan.FromSeconds(5), first);
    }

    [Fact]
    public void With_recent_reports_turned_off_the_first_check_waits_the_initial_interval()
    {
        var policy = Policy(o => o.RecentReports = 0);

        Assert.False(policy.UsesRecentReports);
        Assert.Equal(TimeSpan.FromSeconds(5), policy.FirstWait(Durations(50, TimeSpan.FromMinutes(30)), NoJitter));
    }

    [Fact]
    public void A_young_report_is_checked_at_growing_waits_up_to_the_short_report_interval()
    {
        var policy = Policy();

        var waits = Enumerable.Range(1, 6).Select(attempt => policy.NextWait(TimeSpan.FromSeconds(30), attempt, NoJitter)).ToList();

        Assert.Equal(TimeSpan.FromSeconds(7.5), waits[0]);
        Assert.Equal(TimeSpan.FromSeconds(11.25), waits[1]);
        Assert.All(waits.Skip(2), wait => Assert.Equal(TimeSpan.FromSeconds(14), wait));
    }

    [Fact]
    public void A_max_interval_shorter_than_the_short_report_interval_caps_the_young_waits_too()
    {
        var policy = Policy(o => (o.InitialInterval, o.MaxInterval) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)));

        Assert.Equal(TimeSpan.FromSeconds(3), policy.NextWait(TimeSpan.FromSeconds(30), 10, NoJitter));
    }

    [Fact]
    public void Past_the_short_report_age_the_wait_is_the_delay_share_of_the_reports_age()
    {
        var policy = Policy();

        Assert.Equal(TimeSpan.FromSeconds(0.09 * 600), policy.NextWait(TimeSpan.FromMinutes(10), 40, NoJitter));
        Assert.Equal(TimeSpan.FromSeconds(0.09 * 3600), policy.NextWait(TimeSpan.FromHours(1), 40, NoJitter));
    }

    [Fact]
    public void The_wait_never_exceeds_the_max_interval_plus_jitter()
    {
        var policy = Policy();

        Assert.Equal(TimeSpan.FromMinutes(10), policy.NextWait(TimeSpan.FromHours(5), 80, NoJitter));
        Assert.Equal(TimeSpan.FromMinutes(11), policy.NextWait(TimeSpan.FromHours(5), 80, random: 1.0));
    }

    [Fact]
    public void A_long_report_is_heard_of_within_the_delay_share_of_its_duration_with_far_fewer_checks_than_fixed_polling()
    {
        // The saga's loop for one report: first check, then a wait after each unfinished answer, with random jitter.
        var policy = Policy();
        var duration = TimeSpan.FromHours(2);
        var age = policy.FirstWait([]);
        var checks = 1;
        while (age < duration)
            age += policy.NextWait(age, checks++);

        Assert.InRange(age - duration, TimeSpan.Zero, duration * 0.09 * 1.1);
        Assert.True(checks < duration / TimeSpan.FromSeconds(15) / 3, $"{checks} checks");
    }

    [Fact]
    public void Jitter_spreads_waits_within_the_configured_share()
    {
        var policy = Policy();

        Assert.Equal(TimeSpan.FromSeconds(14 * 0.9), policy.NextWait(TimeSpan.FromMinutes(2), 10, random: 0.0));
        var waits = Enumerable.Range(0, 200).Select(_ => policy.NextWait(TimeSpan.FromHours(1), 50)).ToList();
        Assert.All(waits, w => Assert.InRange(w.TotalSeconds, 324 * 0.9, 324 * 1.1));
        Assert.True(waits.Distinct().Count() > 100, "reports started together must not poll in lockstep");
    }
}

public sealed class Similar_report_sizes
{
    [Theory]
    [InlineData(1000L, 1023L)]
    [InlineData(1024L, 2047L)]
    [InlineData(1L, 1L)]
    public void Reports_less_than_twice_as_big_in_the_same_power_of_two_share_a_band(long a, long b) =>
        Assert.Equal(SizeBand.Of(a), SizeBand.Of(b));

    [Theory]
    [InlineData(1023L, 1024L)]
    [InlineData(100L, 1000L)]
    [InlineData(0L, 1L)]
    public void Reports_in_different_powers_of_two_do_not(long a, long b) =>
        Assert.NotEqual(SizeBand.Of(a), SizeBand.Of(b));

    [Fact]
    public void Reports_without_an_estimate_share_a_band_of_their_own()
    {
        Assert.Equal(SizeBand.Of(null), SizeBand.Of(0));
        Assert.True(SizeBand.Of(long.MaxValue).Contains(long.MaxValue));
    }

    [Fact]
    public async Task The_in_memory_store_answers_the_most_recent_of_the_same_band_first()
    {
        var store = new InMemoryRecentReportDurations();
        await store.RecordAsync(1500, TimeSpan.FromMinutes(1));
        await store.RecordAsync(5000, TimeSpan.FromMinutes(2));
        await store.RecordAsync(1100, TimeSpan.FromMinutes(3));
        await store.RecordAsync(2100, TimeSpan.FromMinutes(4));

        Assert.Equal([TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(1)], await store.SimilarAsync(1024, 10));
        Assert.Equal([TimeSpan.FromMinutes(3)], await store.SimilarAsync(1024, 1));
        Assert.Empty(await store.SimilarAsync(100, 10));
    }
}
