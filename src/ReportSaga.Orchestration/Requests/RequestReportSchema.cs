using System.Text.Json;
using Json.Schema;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Schemas;

namespace ReportSaga.Orchestration.Requests;

/// <summary>
/// The published JSON Schema of <c>RequestReport</c> (<see cref="ContractSchemas"/>, the one <c>docs/asyncapi.yaml</c>
/// holds) as the entry endpoint applies it: what the document promises is what the service takes. It runs after the
/// field rules, which give the more specific reason; a request they pass and the schema refuses is refused naming the
/// place in the request and the schema keyword it breaks.
/// </summary>
public static class RequestReportSchema
{
    private static readonly Lazy<JsonSchema> Schema =
        new(() => JsonSchema.FromText(ContractSchemas.For(typeof(RequestReport)).ToJsonString()));

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List };

    /// <summary>
    /// The schema's verdict on the fields as the service reads them: MassTransit matches names case-insensitively and
    /// takes the last of a repeated one, where JSON Schema is exact, so the fields are checked under their published
    /// names (<see cref="RequestFields"/> found them the deserializer's way).
    /// </summary>
    internal static string? Problem(RequestFields fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            Write(writer, "requestId", fields.RequestId);
            Write(writer, "report", fields.Report);
            Write(writer, "maxCredits", fields.MaxCredits);
            Write(writer, "requestedBy", fields.RequestedBy);
            Write(writer, "context", fields.Context);
            Write(writer, "deadline", fields.Deadline);
            Write(writer, "priority", fields.Priority);
            writer.WriteEndObject();
        }

        // The raw values keep any comments and trailing commas the body had, which MassTransit's reader allows too.
        using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions
        {
            MaxDepth = RequestLimits.MaxDepth + 1, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
        });
        return Problem(document.RootElement);
    }

    private static void Write(Utf8JsonWriter writer, string name, JsonElement? value)
    {
        if (value is not { } element)
            return;
        writer.WritePropertyName(name);
        // As sent: re-encoding would trip over text that is not valid UTF-16 inside the Batch API body, which the
        // service forwards unchanged.
        writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
    }

    /// <summary>Why the message does not match the schema, naming the instance path and the schema path; null when it does.</summary>
    public static string? Problem(JsonElement message)
    {
        EvaluationResults results;
        try
        {
            results = Schema.Value.Evaluate(message, Options);
        }
        catch (InvalidOperationException)
        {
            // Text that is not valid UTF-16 (an unpaired surrogate escape) where the schema reads a name or string: the
            // field rules have judged every field the service reads, and the Batch API body goes to the provider as
            // sent, so the schema has nothing to add here.
            return null;
        }

        if (results.IsValid)
            return null;
        var failure = results.Details?.FirstOrDefault(d => d.Errors is { Count: > 0 }) ?? results;
        // The errors are keyed by the keyword that failed; the evaluation path leads to the schema that holds it.
        var (keyword, error) = failure.Errors?.FirstOrDefault() is { Key: not null } first ? (first.Key, first.Value) : ("", "does not match");
        var at = failure.InstanceLocation.ToString();
        var schemaPath = $"#{failure.EvaluationPath}{(keyword.Length == 0 ? "" : "/" + keyword)}";
        return $"RequestReport does not match its schema (docs/asyncapi.yaml) at {(at.Length == 0 ? "/" : at)}, schema path {schemaPath}: {error}";
    }
}
