namespace ReportSaga.Orchestration.Policies;

/// <summary>
/// Exponential backoff with jitter: <c>initial × factor^attempt</c>, capped at <c>max</c>, then spread by ±jitter
/// so that many reports started together drift apart instead of calling the provider in lockstep.
/// </summary>
public static class Backoff
{
    /// <param name="attempt">0 for the first wait.</param>
    /// <param name="initial">The first wait.</param>
    /// <param name="max">The longest wait, before jitter.</param>
    /// <param name="factor">Growth per attempt (≥ 1).</param>
    /// <param name="jitter">The random share, in [0, 1).</param>
    /// <param name="random">A value in [0, 1); <see cref="Random.Shared"/> when null (tests pass their own).</param>
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan max, double factor = 2, double jitter = 0.2, double? random = null)
    {
        var exponent = Math.Min(Math.Max(attempt, 0), 64);
        var raw = initial.TotalMilliseconds * Math.Pow(factor, exponent);
        var capped = Math.Min(raw, max.TotalMilliseconds);
        var spread = 1 + jitter * (2 * (random ?? Random.Shared.NextDouble()) - 1);
        return TimeSpan.FromMilliseconds(Math.Max(1, capped * spread));
    }
}
