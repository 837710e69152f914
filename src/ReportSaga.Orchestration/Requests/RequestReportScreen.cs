using System.Text.Json;

namespace ReportSaga.Orchestration.Requests;

/// <summary>
/// Judges a <c>RequestReport</c> transport body before anything deserializes it: first its size, then (within the
/// size) its JSON and each field against its rule. A body above the size limit is only scanned for its request id,
/// never parsed into a document. One problem is reported, the first found, naming the field and the limit.
/// Unknown extra fields are allowed, so publishers can move ahead of the service.
/// </summary>
public static class RequestReportScreen
{
    public static RequestReportVerdict Screen(ReadOnlyMemory<byte> body, RequestReportFraming framing, long maxBodyBytes)
    {
        var scan = RequestReportScan.Run(body.Span, framing);
        if (scan.NamesOtherMessageType)
        {
            // Another type's message is not ours to judge (MassTransit skips it), unless it is too big to read at all.
            return body.Length > maxBodyBytes
                ? RequestReportVerdict.Refuse(null, OtherTypeTooLarge(body.Length, maxBodyBytes))
                : new RequestReportVerdict { Outcome = RequestReportOutcome.OtherMessageType };
        }

        if (body.Length > maxBodyBytes)
            return RequestReportVerdict.Refuse(scan.RequestId,
                $"RequestReport is {RequestLimits.Count(body.Length)} bytes, above the limit of {RequestLimits.Count(maxBodyBytes)} ({RequestLimits.MaxBodyBytesKey}).");
        if (!scan.WellFormed)
            return RequestReportVerdict.Refuse(scan.RequestId, $"RequestReport is not valid JSON: {scan.SyntaxError}");
        if (scan.Depth > RequestLimits.MaxDepth)
            return RequestReportVerdict.Refuse(scan.RequestId,
                $"RequestReport nests objects and arrays {scan.Depth} levels deep, above the limit of {RequestLimits.MaxDepth}.");

        using var document = JsonDocument.Parse(body, new JsonDocumentOptions
        {
            AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = RequestLimits.MaxDepth,
        });
        var root = document.RootElement;
        JsonElement message;
        if (framing == RequestReportFraming.Envelope)
        {
            if (root.ValueKind != JsonValueKind.Object || RequestFields.Last(root, "message") is not { ValueKind: JsonValueKind.Object } inEnvelope)
                return RequestReportVerdict.Refuse(null, "RequestReport's MassTransit envelope has no message object.");
            message = inEnvelope;
        }
        else if (root.ValueKind != JsonValueKind.Object)
            return RequestReportVerdict.Refuse(null, $"RequestReport must be a JSON object (was {root.ValueKind.ToString().ToLowerInvariant()}).");
        else
            message = root;

        var fields = RequestFields.Read(message);
        if (fields.Repeated == "requestId")
            return RequestReportVerdict.Refuse(null, "RequestReport.requestId appears more than once: the request id is ambiguous.");
        var requestIdProblem = RequestIdProblem(fields.RequestId, out var requestId);
        if (requestIdProblem is not null)
            return RequestReportVerdict.Refuse(null, requestIdProblem);

        var requestedByProblem = RequestReportRules.RequestedBy(fields.RequestedBy);
        var contextProblem = RequestReportRules.Context(fields.Context);
        var problem = fields.UnreadableName
                      ?? (fields.Repeated is { } repeated ? $"RequestReport.{repeated} appears more than once." : null)
                      ?? requestedByProblem
                      ?? RequestReportRules.MaxCredits(fields.MaxCredits)
                      ?? contextProblem
                      ?? RequestReportRules.Deadline(fields.Deadline)
                      ?? RequestReportRules.Priority(fields.Priority)
                      ?? RequestReportRules.Report(fields.Report)
                      ?? RequestReportSchema.Problem(fields);
        if (problem is null)
            return RequestReportVerdict.Accept(requestId);
        var requestedBy = requestedByProblem is null && fields.Repeated != "requestedBy" && fields.RequestedBy is { ValueKind: JsonValueKind.String } name ? name.GetString() : null;
        // A valid context goes back on the refusal too: the requester's own keys find its ReportFailed.
        var context = contextProblem is null && fields.Repeated != "context" && fields.Context is { ValueKind: JsonValueKind.Object } given ? PlainJson(given) : null;
        return RequestReportVerdict.Refuse(requestId, problem, requestedBy) with { Context = context };
    }

    /// <summary>Why a message of another type, too large to read, goes to the error queue.</summary>
    public static string OtherTypeTooLarge(long length, long maxBodyBytes) =>
        $"The message names another type than RequestReport and is {RequestLimits.Count(length)} bytes, above the limit of {RequestLimits.Count(maxBodyBytes)} ({RequestLimits.MaxBodyBytesKey}).";

    /// <summary>The body the consumer receives for a refused request: its id and, when valid, who asked and its context; nothing else.</summary>
    public static byte[] RefusedBody(RequestReportVerdict verdict)
    {
        if (verdict is not { Outcome: RequestReportOutcome.Refused, RequestId: { } requestId })
            throw new ArgumentException("Only a refused request with a request id has a refused body.", nameof(verdict));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("requestId", requestId);
            if (verdict.RequestedBy is { } requestedBy)
                writer.WriteString("requestedBy", requestedBy);
            if (verdict.Context is { } context)
            {
                writer.WritePropertyName("context");
                writer.WriteRawValue(context);
            }
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The context as plain JSON, without the comments and trailing commas the body may hold (its raw text keeps them,
    /// and the refused body is written as strict JSON); null when it holds text that is not valid UTF-16, which cannot
    /// be written back.
    /// </summary>
    private static string? PlainJson(JsonElement context)
    {
        try
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
                context.WriteTo(writer);
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static string? RequestIdProblem(JsonElement? value, out Guid requestId)
    {
        requestId = Guid.Empty;
        if (value is not { } element || element.ValueKind == JsonValueKind.Null)
            return "RequestReport.requestId is required: a non-empty GUID.";
        if (element.ValueKind == JsonValueKind.String && TryGetGuid(element, out requestId) && requestId != Guid.Empty)
            return null;
        return $"RequestReport.requestId must be a non-empty GUID (was {RequestReportRules.Quote(element)}).";
    }

    /// <summary>A GUID string, read as the deserializer reads it; an escape that is not valid text makes it none.</summary>
    private static bool TryGetGuid(JsonElement element, out Guid value)
    {
        try
        {
            return element.TryGetGuid(out value);
        }
        catch (InvalidOperationException)
        {
            value = Guid.Empty;
            return false;
        }
    }
}
