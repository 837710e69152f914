namespace ReportSaga.Persistence.Submissions;

/// <summary>
/// What one granted report costs its requester's day (UTC): the estimate when granted, replaced by the provider's
/// used_quota on completion (or 0 when it certainly was never submitted). One row per report, written by the grant and
/// corrected by the report itself, so no two reports write one row; a requester's spend is the sum of its day's rows.
/// </summary>
public sealed class CreditCharge
{
    public Guid RequestId { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateOnly Day { get; set; }
    public long Credits { get; set; }
}
