namespace ReportSaga.Orchestration.Requests;

/// <summary>What <see cref="RequestReportScreen"/> decided about one transport body.</summary>
public enum RequestReportOutcome
{
    /// <summary>Within every limit: read it as usual.</summary>
    Accepted,

    /// <summary>Breaks a limit but names its request id: the report ends as <c>ReportFailed</c> reason <c>invalid</c>.</summary>
    Refused,

    /// <summary>No readable request id, so no report to end and no one to answer: the error queue keeps it.</summary>
    Unreadable,

    /// <summary>Names another message type than <c>RequestReport</c>: not this endpoint's to judge.</summary>
    OtherMessageType,
}

/// <summary>The screen's decision, with the request id when one could be read and the one problem found.</summary>
public sealed record RequestReportVerdict
{
    public required RequestReportOutcome Outcome { get; init; }

    /// <summary>The request's id: set when <see cref="Outcome"/> is Accepted or Refused.</summary>
    public Guid? RequestId { get; init; }

    /// <summary>What is wrong, naming the field and the limit; null when Accepted.</summary>
    public string? Problem { get; init; }

    /// <summary>On a refusal, the requester's name when it met its own rule (kept for operators), else null.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>On a refusal, the request's <c>context</c> as JSON text when it met its own rule (echoed on the failure), else null.</summary>
    public string? Context { get; init; }

    public static RequestReportVerdict Accept(Guid requestId) => new() { Outcome = RequestReportOutcome.Accepted, RequestId = requestId };

    /// <summary>Refused when the request id is known, else unreadable: the same problem either way.</summary>
    public static RequestReportVerdict Refuse(Guid? requestId, string problem, string? requestedBy = null) => requestId is { } id
        ? new() { Outcome = RequestReportOutcome.Refused, RequestId = id, Problem = problem, RequestedBy = requestedBy }
        : new() { Outcome = RequestReportOutcome.Unreadable, Problem = problem };
}
