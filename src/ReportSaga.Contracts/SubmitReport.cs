using System.Text.Json;

namespace ReportSaga.Contracts;

/// <summary>Internal command: submit the report to the provider (the call that costs credits).</summary>
public sealed record SubmitReport
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The Batch API request body.</summary>
    public JsonElement Report { get; init; }
}
