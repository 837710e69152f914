using ReportSaga.Orchestration.Policies;

namespace ReportSaga.UnitTests.Reports;

public sealed class Backoff_between_polls
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(2);

    [Fact]
    public void Starts_at_the_initial_interval_without_jitter_at_the_midpoint() =>
        Assert.Equal(Initial, Backoff.Delay(0, Initial, Max, 1.5, 0.2, random: 0.5));

    [Fact]
    public void Grows_by_the_factor_each_attempt() =>
        Assert.Equal(TimeSpan.FromSeconds(5 * 1.5 * 1.5), Backoff.Delay(2, Initial, Max, 1.5, 0.2, random: 0.5));

    [Fact]
    public void Never_exceeds_the_max_interval_plus_jitter()
    {
        Assert.Equal(Max, Backoff.Delay(50, Initial, Max, 1.5, 0.2, random: 0.5));
        Assert.Equal(Max * 1.2, Backoff.Delay(int.MaxValue, Initial, Max, 1.5, 0.2, random: 1.0));
    }

    [Fact]
    public void Jitter_spreads_waits_within_the_configured_share()
    {
        Assert.Equal(Initial * 0.8, Backoff.Delay(0, Initial, Max, 1.5, 0.2, random: 0.0));
        var delays = Enumerable.Range(0, 200).Select(_ => Backoff.Delay(3, Initial, Max, 1.5, 0.2)).ToList();
        Assert.All(delays, d => Assert.InRange(d.TotalSeconds, 5 * 3.375 * 0.8, 5 * 3.375 * 1.2));
        Assert.True(delays.Distinct().Count() > 100, "reports started together must not poll in lockstep");
    }
}
