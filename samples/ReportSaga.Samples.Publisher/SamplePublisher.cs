using System.Text.Json;
using MassTransit;
using ReportSaga.Contracts;

namespace ReportSaga.Samples.Publisher;

/// <summary>How a .NET service starts a ReportSaga report: build a <see cref="RequestReport"/> and publish it.</summary>
public static class SamplePublisher
{
    /// <summary>
    /// A new request with a fresh request id. Keep the id: it is the idempotency key (publishing the same id
    /// again yields the same single report) and every event about the report carries it.
    /// </summary>
    /// <remarks>
    /// <paramref name="context"/> is any small JSON object of the caller's own (an order id, say): every event about the
    /// report carries it back unchanged. <paramref name="deadline"/> is a duration (<c>"01:30:00"</c>) or a time
    /// (<c>"2026-12-07T18:00:00Z"</c>) within the service's own limit.
    /// </remarks>
    public static RequestReport CreateRequest(JsonElement report, long? maxCredits = null, string? requestedBy = null,
        JsonElement? context = null, string? deadline = null)
    {
        if (context is { ValueKind: not JsonValueKind.Object })
            throw new ArgumentException($"The context must be a JSON object, not {context.Value.ValueKind}.", nameof(context));
        if (report.ValueKind != JsonValueKind.Object)
            throw new ArgumentException($"The report body must be a JSON object, not {report.ValueKind}.", nameof(report));
        if (maxCredits is <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxCredits), maxCredits, "maxCredits must be positive when given.");

        return new RequestReport
        {
            RequestId = NewId.NextGuid(),
            Report = report,
            MaxCredits = maxCredits,
            RequestedBy = requestedBy,
            Context = context,
            Deadline = deadline,
        };
    }

    /// <summary>
    /// Publishes <paramref name="request"/> to the <c>ReportSaga.Contracts:RequestReport</c> exchange (MassTransit
    /// names the exchange after the message type). Returns once the broker has confirmed it.
    /// </summary>
    /// <exception cref="MessageReturnedException">
    /// No queue is bound to the exchange: ReportSaga has never run against this broker and virtual host, so
    /// nobody would read the request. Published as mandatory so this is an error and not a silent loss.
    /// </exception>
    public static Task PublishAsync(IPublishEndpoint bus, RequestReport request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestId == Guid.Empty)
            throw new ArgumentException("The request needs a request id.", nameof(request));
        if (request.Report is not { ValueKind: JsonValueKind.Object })
            throw new ArgumentException("The request needs a report body (a JSON object).", nameof(request));

        return bus.Publish(request, context =>
        {
            if (context.TryGetPayload<RabbitMqSendContext>(out var rabbitMq))
                rabbitMq.Mandatory = true;
        }, cancellationToken);
    }
}
