namespace ReportSaga.Orchestration.Messages;

/// <summary>A Batch API call answered in a way that ends the report (invalid, unauthorized, bad request, outcome unknown).</summary>
public sealed record ReportRejected
{
    public Guid RequestId { get; init; }

    /// <summary>One of <c>ReportFailureReasons</c>.</summary>
    public string Reason { get; init; } = "";

    public IReadOnlyList<string> Errors { get; init; } = [];
}
