using System.Text.Json;

namespace ReportSaga.Orchestration.Commands;

/// <summary>
/// Internal command: submit the report to the provider (the call that costs credits). Sent by the submission gate's
/// worker when it grants the report a slot, and by the saga when it submits again after a deferred call. The consumer
/// submits only when the report's saga waits on this step token with a granted slot (<c>ISubmissionAuthority</c>),
/// and submits the body stored with the saga.
/// </summary>
public sealed record SubmitReport : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }

    /// <summary>
    /// The Batch API request body, set by the saga only: this version submits the body stored with the saga, and a
    /// consumer of an earlier version (during a rolling upgrade) still reads it from here. The gate's worker leaves it
    /// unset; an earlier version's consumer refuses its commands anyway (the report is still queued).
    /// </summary>
    public JsonElement? Report { get; init; }
}
