namespace ReportSaga.Simulator;

/// <summary>A report the simulator created, as seen at the moment of the query.</summary>
/// <param name="ReportId">The id request-report answered with.</param>
/// <param name="ReportName">The body's <c>report_name</c>, markers included.</param>
/// <param name="Status">The provider status now, by the simulator's clock.</param>
/// <param name="SubmittedAt">When it was created.</param>
/// <param name="EstimatedCredits">The credit estimate of its body.</param>
/// <param name="UsedQuota">What was charged, once it was charged.</param>
/// <param name="RetryCount">How many retry calls recovered it from internal_error.</param>
public sealed record SubmittedReport(
    string ReportId,
    string? ReportName,
    string Status,
    DateTimeOffset SubmittedAt,
    long EstimatedCredits,
    long? UsedQuota,
    int RetryCount);
