using System.Text.Json;

namespace ReportSaga.Contracts;

/// <summary>Internal command: validate the report body with the provider (costs no credits).</summary>
public sealed record ValidateReport
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The Batch API request body.</summary>
    public JsonElement Report { get; init; }
}
