using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using MassTransit.Serialization;
using ReportSaga.Orchestration.Schemas;
using ReportSaga.UnitTests.Deploy;

namespace ReportSaga.UnitTests.Contracts;

/// <summary>
/// docs/asyncapi.yaml, the machine-readable interface for publishers and subscribers in any language, kept in step with
/// the contract types: its schemas are the ones generated from them, and its examples are messages the service reads.
/// </summary>
public sealed class The_AsyncAPI_document
{
    private static readonly Lazy<JsonObject> Document = new(() => YamlJson.Load(RepositoryRoot.File("docs", "asyncapi.yaml")));

    /// <summary>The messages that travel on an exchange of their own (the status answers go to the asker's address).</summary>
    private static readonly string[] OnExchanges =
        ["RequestReport", "CancelReport", "GetReportStatus", "ReportValidated", "ReportSubmitted", "ReportStatusChanged", "ReportCompleted", "ReportFailed"];

    public static TheoryData<string> MessageNames() => [.. ContractSchemas.Messages.Select(t => t.Name)];

    public static TheoryData<string> ExchangeMessageNames() => [.. OnExchanges];

    [Fact]
    public void Is_an_AsyncAPI_3_document_for_the_service()
    {
        Assert.StartsWith("3.", (string)Document.Value["asyncapi"]!, StringComparison.Ordinal);
        Assert.Equal("ReportSaga", (string)Document.Value["info"]!["title"]!);
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Holds_the_schema_generated_from_the_contract_type(string messageName)
    {
        var generated = ContractSchemas.For(ContractSchemas.Messages.Single(t => t.Name == messageName));
        var documented = File.Exists(RepositoryRoot.File("docs", "asyncapi.yaml")) ? Document.Value["components"]?["schemas"]?[messageName] : null;

        var expected = generated.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (documented is null || !JsonNode.DeepEquals(generated, documented))
        {
            // Written out so the document can be brought up to date from it (see docs/asyncapi.yaml's header).
            var outFile = RepositoryRoot.File("artifacts", "asyncapi", $"{messageName}.schema.json");
            Directory.CreateDirectory(Path.GetDirectoryName(outFile)!);
            File.WriteAllText(outFile, expected);
            Assert.Fail($"docs/asyncapi.yaml's components.schemas.{messageName} differs from the schema generated from the type; the generated one is in {outFile}:\n{expected}");
        }
    }

    [Theory]
    [MemberData(nameof(ExchangeMessageNames))]
    public void Has_a_channel_on_the_message_exchange(string messageName)
    {
        var channels = Document.Value["channels"]!.AsObject().Select(c => c.Value!).ToList();

        Assert.Contains(channels, c => (string?)c["address"] == $"ReportSaga.Contracts:{messageName}"
                                       && c["messages"]!.AsObject().Any(m => ((string?)m.Value!["$ref"])?.EndsWith($"/{messageName}", StringComparison.Ordinal) == true
                                                                              || ((string?)m.Value!["$ref"])?.EndsWith($"/{messageName}Plain", StringComparison.Ordinal) == true));
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Has_examples_that_match_the_schema_and_that_MassTransit_reads_as_the_contract_type(string messageName)
    {
        var type = ContractSchemas.Messages.Single(t => t.Name == messageName);
        var schema = JsonSchema.FromText(ContractSchemas.For(type).ToJsonString());
        var examples = Document.Value["components"]!["messages"]![messageName]!["examples"]!.AsArray();

        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            var payload = JsonSerializer.SerializeToElement(example!["payload"]);
            var results = schema.Evaluate(payload, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(results.IsValid, $"{messageName} example '{example["name"]}' does not match its schema: {JsonSerializer.Serialize(results)}");
            var read = JsonSerializer.Deserialize(payload, type, SystemTextJsonMessageSerializer.Options);
            Assert.NotNull(read);
            // Nothing in the example is lost on reading: every field it names is a field of the type.
            var written = ContractSamples.Serialize(read!).EnumerateObject().Select(p => p.Name).ToHashSet();
            var unread = payload.EnumerateObject().Select(p => p.Name).Where(n => !written.Contains(n)).ToList();
            Assert.True(unread.Count == 0, $"{messageName} example '{example["name"]}' names fields the type does not have: {string.Join(", ", unread)}");
        }
    }
}
