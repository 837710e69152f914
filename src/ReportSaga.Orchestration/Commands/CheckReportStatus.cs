namespace ReportSaga.Orchestration.Commands;

/// <summary>Internal command: ask the provider for a submitted report's status.</summary>
public sealed record CheckReportStatus : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }

    /// <summary>The provider's report id.</summary>
    public string ReportId { get; init; } = "";
}
