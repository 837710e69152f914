namespace ReportSaga.Orchestration.Commands;

/// <summary>Internal command: call retry-report for a report in internal_error.</summary>
public sealed record RetryReport : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }

    /// <summary>The provider's report id.</summary>
    public string ReportId { get; init; } = "";
}
