namespace ReportSaga.Orchestration.Policies;

/// <summary>
/// Reports of "similar size" for the polling policy: estimated credits within the same power of two
/// ([2^k, 2^(k+1))), so a band holds reports up to twice as big as each other. Reports without an estimate (or of
/// zero credits) share a band of their own.
/// </summary>
public readonly record struct SizeBand(long? From, long? Below)
{
    public static SizeBand Of(long? estimatedCredits)
    {
        if (estimatedCredits is not { } credits || credits <= 0)
            return new SizeBand(null, null);
        var exponent = 63 - long.LeadingZeroCount(credits);
        var from = 1L << (int)exponent;
        return new SizeBand(from, exponent >= 62 ? long.MaxValue : from << 1);
    }

    /// <summary>Whether a report with these estimated credits is in this band.</summary>
    public bool Contains(long? estimatedCredits) => Of(estimatedCredits) == this;
}
