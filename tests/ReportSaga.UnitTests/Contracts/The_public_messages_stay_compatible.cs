using System.Text.Json;
using System.Text.Json.Nodes;
using ReportSaga.Orchestration.Schemas;
using ReportSaga.UnitTests.Deploy;

namespace ReportSaga.UnitTests.Contracts;

/// <summary>
/// Existing publishers and subscribers keep working: every field recorded in <c>public-shape.baseline.json</c> is still
/// there, under the same name, with the same type. The baseline only grows: a new optional field is added to it on
/// purpose (the failure says how), and nothing is ever taken out of it.
/// </summary>
public sealed class The_public_messages_stay_compatible
{
    private static readonly string BaselinePath = RepositoryRoot.File("tests", "ReportSaga.UnitTests", "Contracts", "public-shape.baseline.json");

    private static SortedDictionary<string, SortedDictionary<string, string>> Current() =>
        PublicShape.Of(ContractSchemas.Messages.Select(t => (t.Name, ContractSchemas.For(t))));

    private static SortedDictionary<string, SortedDictionary<string, string>> Baseline() =>
        PublicShape.Read(JsonNode.Parse(File.ReadAllText(BaselinePath))!.AsObject());

    [Fact]
    public void No_message_loses_renames_or_retypes_a_field_of_the_baseline()
    {
        var breaks = PublicShape.Breaks(Baseline(), Current());

        Assert.True(breaks.Count == 0,
            "A public message changed in a way that breaks existing publishers or subscribers (add a field instead, or make a new message):\n"
            + string.Join('\n', breaks));
    }

    [Fact]
    public void Every_field_on_the_wire_is_recorded_in_the_baseline()
    {
        var baseline = Baseline();
        var unrecorded = Current().SelectMany(m => m.Value.Where(f => !baseline.TryGetValue(m.Key, out var known) || !known.ContainsKey(f.Key))
            .Select(f => $"\"{m.Key}\": \"{f.Key}\": \"{f.Value}\"")).ToList();

        Assert.True(unrecorded.Count == 0,
            $"New fields are not in {BaselinePath}: add these lines to it, so that removing them later is caught:\n" + string.Join('\n', unrecorded));
    }

    [Fact]
    public void The_comparison_catches_a_removed_a_renamed_a_retyped_and_a_newly_required_field()
    {
        var baseline = Baseline();
        var changed = Current();
        changed["ReportCompleted"].Remove("downloadUrl");
        changed["ReportFailed"]["failureReason"] = changed["ReportFailed"]["reason"];
        changed["ReportFailed"].Remove("reason");
        changed["ReportValidated"]["estimatedCredits"] = "string";
        changed["RequestReport"]["maxCredits"] += "!";
        changed["RequestReport"]["teamId"] = "string!";

        var breaks = PublicShape.Breaks(baseline, changed);

        Assert.Equal(
            [
                "ReportCompleted.downloadUrl is gone (removed or renamed)",
                "ReportFailed.reason is gone (removed or renamed)",
                $"ReportValidated.estimatedCredits changed from {baseline["ReportValidated"]["estimatedCredits"]} to string",
                $"RequestReport.maxCredits changed from {baseline["RequestReport"]["maxCredits"]} to {baseline["RequestReport"]["maxCredits"]}!",
                "RequestReport.teamId is new and required: existing publishers do not send it",
            ],
            breaks.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_new_optional_field_breaks_no_one()
    {
        var changed = Current();
        changed["ReportCompleted"]["fileFormat"] = "string|null";

        Assert.Empty(PublicShape.Breaks(Baseline(), changed));
    }

    /// <summary>Prints the current shape, to start a baseline or check one by eye: set REPORTSAGA_PRINT_PUBLIC_SHAPE=1.</summary>
    [Fact]
    public void The_current_shape_can_be_written_out()
    {
        var text = PublicShape.Write(Current()).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        Assert.Contains("\"requestId\": \"string:uuid!\"", text, StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("REPORTSAGA_PRINT_PUBLIC_SHAPE") == "1")
        {
            Directory.CreateDirectory(RepositoryRoot.File("artifacts"));
            File.WriteAllText(RepositoryRoot.File("artifacts", "public-shape.json"), text);
        }
    }
}
