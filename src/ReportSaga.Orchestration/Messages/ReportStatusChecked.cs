using ReportSaga.Orchestration.Commands;

namespace ReportSaga.Orchestration.Messages;

/// <summary>The provider answered a status check.</summary>
public sealed record ReportStatusChecked : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }
    public string ReportId { get; init; } = "";

    /// <summary>The provider's status, normalised (bad_request, internal_error with underscores).</summary>
    /// <summary>The provider's status as the client normalised it (<see cref="BatchApi.ProviderStatuses"/>).</summary>
    public string Status { get; init; } = "";

    public string? DownloadUrl { get; init; }
    public long? DataPointsCount { get; init; }
    public long? UsedQuota { get; init; }

    /// <summary>The provider's message on a failed status, when it sent one.</summary>
    public string? Error { get; init; }
}
