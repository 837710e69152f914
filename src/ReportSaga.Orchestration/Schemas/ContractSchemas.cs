using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using System.Xml.Linq;
using MassTransit.Serialization;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Orchestration.Requests;

namespace ReportSaga.Orchestration.Schemas;

/// <summary>
/// The JSON Schema of every public message, generated from the contract types with System.Text.Json's schema exporter
/// and MassTransit's serializer options (so the names are the ones on the wire), then given what a type cannot say:
/// which fields are required, the limits the request checks apply, and descriptions from the types' XML docs.
/// <c>docs/asyncapi.yaml</c> holds these schemas (a test keeps them equal), and the entry endpoint checks every
/// <c>RequestReport</c> against <see cref="For"/>(<c>typeof(RequestReport)</c>), so the document and the service agree.
/// </summary>
public static class ContractSchemas
{
    /// <summary>The public messages, in the order the AsyncAPI document lists them.</summary>
    public static IReadOnlyList<Type> Messages { get; } =
    [
        typeof(RequestReport), typeof(CancelReport), typeof(GetReportStatus), typeof(ReportStatus), typeof(ReportNotFound),
        typeof(ReportValidated), typeof(ReportSubmitted), typeof(ReportStatusChanged), typeof(ReportCompleted), typeof(ReportFailed),
    ];

    private static readonly JsonSerializerOptions WireOptions = new(SystemTextJsonMessageSerializer.Options)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Docs = new(ReadDocs);

    /// <summary>The schema of one public message, as the AsyncAPI document holds it.</summary>
    public static JsonObject For(Type messageType)
    {
        if (!Messages.Contains(messageType))
            throw new ArgumentException($"{messageType.Name} is not a public message.", nameof(messageType));
        var schema = (JsonObject)JsonSchemaExporter.GetJsonSchemaAsNode(WireOptions, messageType,
            new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        var ordered = new JsonObject { ["title"] = messageType.Name };
        if (Describe(messageType, null) is { } description)
            ordered["description"] = description;
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            ordered[key] = value;
        }

        var properties = (JsonObject)ordered["properties"]!;
        foreach (var (name, node) in properties.ToList())
        {
            var property = messageType.GetProperties().Single(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name) == name);
            // A JsonElement field exports as `true` (any JSON): Refine says what it holds.
            var refined = Refine(messageType, name, node as JsonObject ?? new JsonObject());
            if (Describe(messageType, property.Name) is { } text)
                refined.Insert(0, "description", text);
            properties[name] = refined;
        }

        ordered["required"] = messageType == typeof(RequestReport) ? new JsonArray("requestId", "report") : new JsonArray("requestId");
        return ordered;
    }

    /// <summary>What the type alone cannot say about a field: its JSON kind where the type is any JSON, and its limits.</summary>
    private static JsonObject Refine(Type messageType, string name, JsonObject node)
    {
        var request = messageType == typeof(RequestReport);
        switch (name)
        {
            case "report" when request:
                return new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("report_query"),
                    ["properties"] = new JsonObject
                    {
                        ["report_query"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["required"] = new JsonArray("tables"),
                            ["properties"] = new JsonObject { ["tables"] = new JsonObject { ["type"] = "array", ["minItems"] = 1 } },
                        },
                    },
                };
            case "context":
                return new JsonObject { ["type"] = new JsonArray("object", "null") };
            case "maxCredits" when request:
                node["minimum"] = 1;
                return node;
            case "requestedBy" when request:
                node["maxLength"] = ReportStateColumns.RequestedByMaxLength;
                return node;
            case "deadline" when request:
                node["pattern"] = RequestDeadline.Pattern;
                return node;
            case "priority" when request:
                // Exactly one of the names (lower case), or null for normal: the same rule the request check applies.
                node["enum"] = new JsonArray([.. ReportPriorities.All.Select(p => (JsonNode?)JsonValue.Create(p)), null]);
                return node;
            case "warnings":
                // Each warning is whatever JSON value the provider sent.
                return new JsonObject { ["type"] = "array", ["items"] = new JsonObject() };
            default:
                return node;
        }
    }

    /// <summary>The summary of a type or property from the contracts' XML docs, on one line; null when none is at hand.</summary>
    private static string? Describe(Type type, string? property) =>
        Docs.Value.TryGetValue(property is null ? $"T:{type.FullName}" : $"P:{type.FullName}.{property}", out var text) ? text : null;

    private static IReadOnlyDictionary<string, string> ReadDocs()
    {
        var path = Path.ChangeExtension(typeof(RequestReport).Assembly.Location, ".xml");
        if (!File.Exists(path))
            return new Dictionary<string, string>();
        return XDocument.Load(path).Descendants("member")
            .Where(m => m.Element("summary") is not null)
            .ToDictionary(m => (string)m.Attribute("name")!, m => Flatten(m.Element("summary")!));
    }

    /// <summary>Summary text with <c>see cref</c> reduced to the name it points at, on one line.</summary>
    private static string Flatten(XElement summary)
    {
        var parts = summary.Nodes().Select(node => node switch
        {
            XText text => text.Value,
            XElement { Name.LocalName: "see" } see => CrefName((string?)see.Attribute("cref")) ?? see.Value,
            XElement element => element.Value,
            _ => "",
        });
        return string.Join(' ', string.Concat(parts).Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>"T:ReportSaga.Contracts.ReportFailed" reads ReportFailed; "P:….RequestReport.Context" reads RequestReport.Context.</summary>
    private static string? CrefName(string? cref)
    {
        if (cref is null)
            return null;
        var segments = cref[2..].Split('.');
        return cref.StartsWith("T:", StringComparison.Ordinal) || segments.Length < 2 ? segments[^1] : $"{segments[^2]}.{segments[^1]}";
    }
}
