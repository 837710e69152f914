namespace ReportSaga.Persistence.Submissions;

/// <summary>The last reading of the account's remaining credits, one row shared by every instance (the account guard's cache).</summary>
public sealed class AccountCreditsReading
{
    /// <summary>Always 1: there is one account per deployment.</summary>
    public int Id { get; set; } = 1;

    public long RemainingCredits { get; set; }

    /// <summary>When it was read from the provider (UTC).</summary>
    public DateTime ReadAt { get; set; }
}
