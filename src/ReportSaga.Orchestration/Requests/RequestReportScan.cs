using System.Text.Json;

namespace ReportSaga.Orchestration.Requests;

/// <summary>
/// One forward pass over a transport body with <see cref="Utf8JsonReader"/>, building no document: what it costs in
/// memory does not grow with the body, so it is safe on a body far above the size limit. It finds whether the body is
/// well-formed JSON, how deeply it nests, the request id (the last <c>requestId</c>, as the deserializer would take
/// it) and, in an envelope, whether <c>messageType</c> names <c>RequestReport</c>.
/// </summary>
internal static class RequestReportScan
{
    /// <summary>No name or message type this scan looks for is longer, even with every character escaped (\uXXXX).</summary>
    private const int LongestTextBytes = 6 * 64;

    /// <summary>The reader's own depth limit, far above <see cref="RequestLimits.MaxDepth"/>, so the real depth is measured and reported.</summary>
    private const int ReaderMaxDepth = 1_000_000;

    public readonly record struct Result(bool WellFormed, string? SyntaxError, int Depth, Guid? RequestId, bool NamesOtherMessageType);

    /// <summary>The same leniency as MassTransit's System.Text.Json options, so the scan and the deserializer agree on what is JSON.</summary>
    public static JsonReaderOptions ReaderOptions(int maxDepth) =>
        new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = maxDepth };

    public static Result Run(ReadOnlySpan<byte> body, RequestReportFraming framing)
    {
        var reader = new Utf8JsonReader(body, ReaderOptions(ReaderMaxDepth));
        var envelope = framing == RequestReportFraming.Envelope;
        // The request's own property names sit at this reader depth: 1 in a plain body, 2 inside an envelope's message.
        var requestDepth = envelope ? 2 : 1;
        var inRequest = !envelope;
        var inMessageTypes = false;
        var namesTypes = false;
        var namesRequestReport = false;
        var depth = 0;
        Guid? requestId = null;
        var requestIdCount = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        depth = Math.Max(depth, reader.CurrentDepth + 1);
                        continue;
                    case JsonTokenType.EndObject when envelope && inRequest && reader.CurrentDepth == 1:
                        inRequest = false;
                        continue;
                    case JsonTokenType.EndArray when inMessageTypes && reader.CurrentDepth == 1:
                        inMessageTypes = false;
                        continue;
                    case JsonTokenType.String when inMessageTypes && reader.CurrentDepth == 2:
                        namesTypes = true;
                        namesRequestReport |= TextIs(ref reader, RequestLimits.MessageTypeUrn);
                        continue;
                    case JsonTokenType.PropertyName:
                        break;
                    default:
                        continue;
                }

                if (envelope && reader.CurrentDepth == 1)
                {
                    // A later "message" or "messageType" replaces an earlier one, as it does for the deserializer.
                    if (NameIs(ref reader, "message"))
                    {
                        ReadValue(ref reader, ref depth);
                        inRequest = reader.TokenType == JsonTokenType.StartObject;
                        requestId = null;
                        requestIdCount = 0;
                    }
                    else if (NameIs(ref reader, "messageType"))
                    {
                        ReadValue(ref reader, ref depth);
                        inMessageTypes = reader.TokenType == JsonTokenType.StartArray;
                        namesTypes = false;
                        namesRequestReport = false;
                    }
                }
                else if (inRequest && reader.CurrentDepth == requestDepth && NameIs(ref reader, "requestId"))
                {
                    ReadValue(ref reader, ref depth);
                    // A second requestId makes the id ambiguous: none is taken (the document check refuses it too).
                    requestIdCount++;
                    requestId = requestIdCount == 1 && reader.TokenType == JsonTokenType.String && TryGetGuid(ref reader, out var id) && id != Guid.Empty ? id : null;
                }
            }
        }
        catch (JsonException exception)
        {
            // Whatever was read before the fault still counts: a request id near the start of a cut-off body is kept.
            return new Result(false, Describe(exception), depth, requestId, namesTypes && !namesRequestReport);
        }

        return new Result(true, null, depth, requestId, namesTypes && !namesRequestReport);
    }

    /// <summary>
    /// Compares a property name as MassTransit's deserializer matches it: case-insensitively (OrdinalIgnoreCase), after
    /// unescaping. A name that cannot be unescaped into text matches nothing.
    /// </summary>
    private static bool NameIs(ref Utf8JsonReader reader, string name) => TextIs(ref reader, name);

    /// <summary>Compares the current name or string case-insensitively; a long one is not even decoded (it cannot match).</summary>
    private static bool TextIs(ref Utf8JsonReader reader, string text)
    {
        if (reader.ValueSpan.Length > LongestTextBytes)
            return false;
        try
        {
            return string.Equals(reader.GetString(), text, StringComparison.OrdinalIgnoreCase);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A GUID string, read as the deserializer reads it; an escape that is not valid text makes it none.</summary>
    private static bool TryGetGuid(ref Utf8JsonReader reader, out Guid value)
    {
        try
        {
            return reader.TryGetGuid(out value);
        }
        catch (InvalidOperationException)
        {
            value = Guid.Empty;
            return false;
        }
    }

    private static void ReadValue(ref Utf8JsonReader reader, ref int depth)
    {
        if (!reader.Read())
            throw new JsonException("The body ends after a property name.");
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            depth = Math.Max(depth, reader.CurrentDepth + 1);
    }

    /// <summary>The reader's message names the place (line, byte) and the fault, never a large piece of the body.</summary>
    private static string Describe(JsonException exception)
    {
        var text = exception.Message;
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}
