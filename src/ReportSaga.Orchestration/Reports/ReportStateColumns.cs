namespace ReportSaga.Orchestration.Reports;

/// <summary>
/// The column sizes of <c>report_state</c>, in characters: the persistence mapping declares them and the request
/// checks refuse what would not fit, so a value PostgreSQL would reject (SQLite ignores the sizes) is refused with a
/// reason instead of failing the database write. Changing one needs a migration for both providers.
/// </summary>
public static class ReportStateColumns
{
    public const int CurrentStateMaxLength = 64;

    /// <summary><c>RequestReport.requestedBy</c>, stored as sent.</summary>
    public const int RequestedByMaxLength = 256;

    public const int ReportIdMaxLength = 128;
    public const int ProviderStatusMaxLength = 64;
    public const int FailureReasonMaxLength = 128;
    public const int TraceParentMaxLength = 128;

    /// <summary><c>RequestReport.priority</c>: low, normal or high.</summary>
    public const int PriorityMaxLength = 8;
}
