using MassTransit;

namespace ReportSaga.Orchestration.Reports;

/// <summary>One report's saga instance: what ReportSaga knows about it, stored between messages.</summary>
public class ReportState : SagaStateMachineInstance, ISagaVersion
{
    /// <summary>The report's request id (the idempotency key).</summary>
    public Guid CorrelationId { get; set; }

    /// <summary>The state machine's state name; null until the first transition (the column must be nullable).</summary>
    public string? CurrentState { get; set; }

    /// <summary>Optimistic concurrency token, incremented on every update.</summary>
    public int Version { get; set; }

    /// <summary>The Batch API request body as JSON text, exactly as the requester sent it.</summary>
    public string Report { get; set; } = "{}";

    public long? MaxCredits { get; set; }
    public string? RequestedBy { get; set; }

    /// <summary>The request's <c>context</c> as JSON text, echoed on every event; null when it sent none.</summary>
    public string? Context { get; set; }

    /// <summary>When the report must be finished, when the request asked for its own deadline; else the service's limit applies.</summary>
    public DateTimeOffset? DeadlineAt { get; set; }

    /// <summary>The request's priority (low, normal, high); null means normal. Orders the report at the submission gate.</summary>
    public string? Priority { get; set; }

    /// <summary>The provider's report id, once submitted.</summary>
    public string? ReportId { get; set; }

    /// <summary>The provider's last status (pending, processing, retry, …).</summary>
    public string? ProviderStatus { get; set; }

    public long? EstimatedCredits { get; set; }
    public long? UsedQuota { get; set; }
    public long? DataPointsCount { get; set; }

    /// <summary>The whole download URL (with its signature); only bus subscribers and this row see it.</summary>
    public string? DownloadUrl { get; set; }

    /// <summary>How many times the retry endpoint was called.</summary>
    public int RetryAttempts { get; set; }

    /// <summary>How many status checks were made.</summary>
    public int PollCount { get; set; }

    /// <summary>How many times the current step (a poll, a resubmission, a deferred call) has come round; drives its backoff.</summary>
    public int StepAttempts { get; set; }

    public string? FailureReason { get; set; }

    /// <summary>The failure's error texts, as a JSON array of strings.</summary>
    public string? FailureErrors { get; set; }

    /// <summary>Token of the scheduled wake-up (next poll, retry or resubmission), so it can be cancelled.</summary>
    public Guid? WakeUpTokenId { get; set; }

    /// <summary>
    /// The step the report waits on: sent with the current command to a consumer, and required back on its answer.
    /// Null while no answer is awaited.
    /// </summary>
    public Guid? StepToken { get; set; }

    /// <summary>Token of the scheduled deadline.</summary>
    public Guid? DeadlineTokenId { get; set; }

    /// <summary>
    /// The W3C trace parent of the report's request, so steps started by another report's message (a submission
    /// slot freed by someone else's completion) still join this report's trace.
    /// </summary>
    public string? TraceParent { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}
