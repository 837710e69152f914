namespace ReportSaga.Orchestration.Messaging;

/// <summary>
/// The service's own queues. Internal commands and answers are sent straight to these (never published), and no
/// message-type exchange is bound to them for an internal type, so no other broker client can reach them by
/// publishing; the shipped broker permissions (deploy/rabbitmq) deny other users writes to their exchanges as well.
/// </summary>
public static class ReportSagaQueues
{
    /// <summary>The report saga: answers from the consumers, the scheduler's wake-ups, and the public CancelReport/GetReportStatus.</summary>
    public const string Saga = "report-state";
    public const string Validate = "validate-report";
    public const string Submit = "submit-report";
    public const string CheckStatus = "check-report-status";
    public const string Retry = "retry-report";

    /// <summary>
    /// Whether the consumers of <paramref name="queue"/> only answer the saga: the request entry and the Batch API
    /// consumers. They store nothing in a consume's transaction (the submission ledger keeps its own), so they need no
    /// transactional outbox or inbox: their answer is sent when they finish, with an id derived from the consumed
    /// message (<see cref="AnswerIds"/>), and the saga's inbox drops a repeat. Every other queue (the saga's, the
    /// scheduler's) consumes behind the transactional outbox.
    /// </summary>
    public static bool AnswersOnly(string queue) => queue is RequestReportEndpoint.Name or Validate or Submit or CheckStatus or Retry;

    public static readonly Uri SagaAddress = new($"queue:{Saga}");
    public static readonly Uri ValidateAddress = new($"queue:{Validate}");
    public static readonly Uri SubmitAddress = new($"queue:{Submit}");
    public static readonly Uri CheckStatusAddress = new($"queue:{CheckStatus}");
    public static readonly Uri RetryAddress = new($"queue:{Retry}");
}
