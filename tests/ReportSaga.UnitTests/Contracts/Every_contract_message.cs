using System.Text.Json;
using MassTransit.Serialization;

namespace ReportSaga.UnitTests.Contracts;

/// <summary>The JSON other services see on the bus, as written by MassTransit's System.Text.Json options.</summary>
public sealed class Every_contract_message
{
    public static TheoryData<string> MessageNames() => [.. ContractSamples.All().Select(s => s.Message.GetType().Name)];

    /// <summary>Messages without JSON or list fields, which records compare by reference.</summary>
    public static TheoryData<string> PlainMessageNames() =>
    [
        .. ContractSamples.All().Select(s => s.Message.GetType())
            .Where(t => !t.GetProperties().Any(p => p.PropertyType == typeof(JsonElement) || p.PropertyType == typeof(JsonElement?) || p.PropertyType.IsGenericType))
            .Select(t => t.Name),
    ];

    [Fact]
    public void Has_a_sample_here_so_none_goes_untested()
    {
        var sampled = ContractSamples.All().Select(s => s.Message.GetType()).ToHashSet();
        Assert.Empty(ContractSamples.MessageTypes().Where(t => !sampled.Contains(t)).Select(t => t.Name));
    }

    [Fact]
    public void Is_public_interface_only_no_internal_command_is_in_the_contracts()
    {
        string[] publicMessages =
        [
            "RequestReport", "CancelReport", "GetReportStatus", "ReportStatus", "ReportNotFound",
            "ReportValidated", "ReportSubmitted", "ReportStatusChanged", "ReportCompleted", "ReportFailed",
        ];
        Assert.Equal(publicMessages.Order(), ContractSamples.MessageTypes().Select(t => t.Name).Order());
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Is_written_with_exactly_the_documented_camelCase_names(string messageName)
    {
        var (message, names) = Sample(messageName);

        var written = ContractSamples.Serialize(message).EnumerateObject().Select(p => p.Name).Order();

        Assert.Equal(names.Order(), written);
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Reads_back_to_the_same_JSON(string messageName)
    {
        var (message, _) = Sample(messageName);
        var options = SystemTextJsonMessageSerializer.Options;

        var first = JsonSerializer.Serialize(message, message.GetType(), options);
        var readBack = JsonSerializer.Deserialize(first, message.GetType(), options)!;
        var second = JsonSerializer.Serialize(readBack, message.GetType(), options);

        Assert.Equal(first, second);
    }

    [Theory]
    [MemberData(nameof(PlainMessageNames))]
    public void Reads_back_to_an_equal_message_when_it_holds_only_plain_values(string messageName)
    {
        var (message, _) = Sample(messageName);
        var options = SystemTextJsonMessageSerializer.Options;
        var readBack = JsonSerializer.Deserialize(JsonSerializer.Serialize(message, message.GetType(), options), message.GetType(), options);

        Assert.Equal(message, readBack);
    }

    private static (object Message, string[] Names) Sample(string messageName) =>
        ContractSamples.All().Single(s => s.Message.GetType().Name == messageName);
}
