using System.Text.Json;
using ReportSaga.Contracts;

namespace ReportSaga.UnitTests.Contracts;

/// <summary>One instance of every contract message, every field set, with the JSON names contract.md documents.</summary>
internal static class ContractSamples
{
    private static readonly Guid RequestId = Guid.Parse("2f1b7f0e-8a55-4c1e-9d6a-3b0c2d4e5f60");
    private static readonly DateTimeOffset At = new(2026, 11, 29, 10, 15, 30, 123, TimeSpan.Zero);

    public static IEnumerable<(object Message, string[] JsonNames)> All()
    {
        var report = ReportBodies.Parse(ReportBodies.Odd);
        var context = ReportBodies.Parse("""{"orderId":4711,"tags":["q4","eu"]}""");
        const string requestedBy = "billing-service";

        yield return (new RequestReport
            {
                RequestId = RequestId, Report = report, MaxCredits = 5000, RequestedBy = requestedBy, Context = context, Deadline = "01:30:00",
                Priority = ReportPriorities.High,
            },
            ["requestId", "report", "maxCredits", "requestedBy", "context", "deadline", "priority"]);
        yield return (new CancelReport { RequestId = RequestId }, ["requestId"]);
        yield return (new GetReportStatus { RequestId = RequestId }, ["requestId"]);
        yield return (new ReportStatus
            {
                RequestId = RequestId, State = "Waiting", ReportId = "845d6440-79d1-4125-964e-eaef0d6923e5", ProviderStatus = "processing",
                EstimatedCredits = 208, UsedQuota = 200, DownloadUrl = "https://example.test/r.csv?sig=abc", Attempts = 2, UpdatedAt = At,
            },
            ["requestId", "state", "reportId", "providerStatus", "estimatedCredits", "usedQuota", "downloadUrl", "attempts", "updatedAt"]);
        yield return (new ReportNotFound { RequestId = RequestId }, ["requestId"]);
        yield return (new ReportValidated
            {
                RequestId = RequestId, EstimatedCredits = 208,
                Warnings = [ReportBodies.Parse("""{"code":"w1","affected_rows":[1,2]}"""), ReportBodies.Parse("\"plain text warning\""), ReportBodies.Parse("7")],
                RequestedBy = requestedBy, Context = context,
            },
            ["requestId", "estimatedCredits", "warnings", "requestedBy", "context"]);
        yield return (new ReportSubmitted { RequestId = RequestId, ReportId = "r-1", RequestedBy = requestedBy, Context = context },
            ["requestId", "reportId", "requestedBy", "context"]);
        yield return (new ReportStatusChanged { RequestId = RequestId, ReportId = "r-1", Status = "retry", RequestedBy = requestedBy, Context = context },
            ["requestId", "reportId", "status", "requestedBy", "context"]);
        yield return (new ReportCompleted
            {
                RequestId = RequestId, ReportId = "r-1", DownloadUrl = "https://example.test/r.csv?sig=abc", DataPointsCount = 1_234_567_890_123,
                UsedQuota = 200, CompletedAt = At, DownloadUrlExpiresAt = At.AddDays(30), RequestedBy = requestedBy, Context = context,
            },
            ["requestId", "reportId", "downloadUrl", "dataPointsCount", "usedQuota", "completedAt", "downloadUrlExpiresAt", "requestedBy", "context"]);
        yield return (new ReportFailed
            {
                RequestId = RequestId, ReportId = "r-1", Reason = ReportFailureReasons.RetriesExhausted, Errors = ["a", "b"], RequestedBy = requestedBy, Context = context,
            },
            ["requestId", "reportId", "reason", "errors", "requestedBy", "context"]);
    }

    /// <summary>Every public message type in the contracts assembly (records; not the reasons' constants).</summary>
    public static IEnumerable<Type> MessageTypes() =>
        typeof(RequestReport).Assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false } && t.Namespace == "ReportSaga.Contracts");

    public static JsonElement Serialize(object message) =>
        ReportBodies.Parse(JsonSerializer.Serialize(message, message.GetType(), MassTransit.Serialization.SystemTextJsonMessageSerializer.Options));
}
