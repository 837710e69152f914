using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using ReportSaga.Contracts;

namespace ReportSaga.Samples.Subscriber;

/// <summary>
/// Follows every report through ReportSaga's public events and logs each one. A real subscriber would act
/// here instead (fetch the file on <see cref="ReportCompleted"/>, alert on <see cref="ReportFailed"/>); keep
/// such work idempotent on <c>RequestId</c>, since the broker delivers at least once.
/// </summary>
public sealed partial class ReportEventsConsumer(ILogger<ReportEventsConsumer> logger) :
    IConsumer<ReportValidated>,
    IConsumer<ReportSubmitted>,
    IConsumer<ReportStatusChanged>,
    IConsumer<ReportCompleted>,
    IConsumer<ReportFailed>
{
    public Task Consume(ConsumeContext<ReportValidated> context)
    {
        var message = context.Message;
        LogValidated(message.RequestId, message.EstimatedCredits, message.Warnings.Count,
            JsonSerializer.Serialize(message.Warnings));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportSubmitted> context)
    {
        LogSubmitted(context.Message.RequestId, context.Message.ReportId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportStatusChanged> context)
    {
        LogStatusChanged(context.Message.RequestId, context.Message.ReportId, context.Message.Status);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportCompleted> context)
    {
        var message = context.Message;
        // The query string of the download URL is its signature: whoever holds it can download the report,
        // and logs are read by many. Only the path is logged; the message itself keeps the whole URL.
        var downloadUrl = message.DownloadUrl is null ? "(none)" : DownloadUrls.WithoutQuery(message.DownloadUrl);
        LogCompleted(message.RequestId, message.ReportId, downloadUrl, message.DataPointsCount, message.UsedQuota,
            message.DownloadUrlExpiresAt, message.RequestedBy ?? "(no one)", Text(message.Context));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportFailed> context)
    {
        var message = context.Message;
        LogFailed(message.RequestId, message.ReportId ?? "(not submitted)", message.Reason, string.Join(" | ", message.Errors),
            message.RequestedBy ?? "(no one)", Text(message.Context));
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "ReportValidated {RequestId}: estimated {EstimatedCredits} credits, {WarningCount} warning(s) {Warnings}")]
    private partial void LogValidated(Guid requestId, long estimatedCredits, int warningCount, string warnings);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "ReportSubmitted {RequestId}: provider report {ReportId}")]
    private partial void LogSubmitted(Guid requestId, string reportId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "ReportStatusChanged {RequestId}: report {ReportId} is {Status}")]
    private partial void LogStatusChanged(Guid requestId, string reportId, string status);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "ReportCompleted {RequestId}: report {ReportId} at {DownloadUrl} ({DataPointsCount} data points, " +
                  "{UsedQuota} credits used), link valid until {DownloadUrlExpiresAt:O}; requested by {RequestedBy}, context {Context}")]
    private partial void LogCompleted(Guid requestId, string reportId, string downloadUrl, long? dataPointsCount, long? usedQuota,
        DateTimeOffset downloadUrlExpiresAt, string requestedBy, string context);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "ReportFailed {RequestId}: report {ReportId}, reason {Reason}: {Errors}; requested by {RequestedBy}, context {Context}")]
    private partial void LogFailed(Guid requestId, string reportId, string reason, string errors, string requestedBy, string context);

    /// <summary>The context the request sent, echoed on every event: here, where a real service keeps its own keys.</summary>
    private static string Text(JsonElement? context) => context is { } value ? value.GetRawText() : "(none)";
}
