using System.Text.Json;
using MassTransit.Serialization;
using ReportSaga.Contracts;

namespace ReportSaga.UnitTests.Contracts;

/// <summary>
/// <c>report</c> is the Batch API's own body: ReportSaga forwards it unchanged, so nothing in it may be
/// renamed, dropped, rounded or reformatted on the way through the bus.
/// </summary>
public sealed class The_report_body_of_a_RequestReport
{
    private static readonly JsonSerializerOptions MassTransitOptions = SystemTextJsonMessageSerializer.Options;

    [Fact]
    public void The_sample_body_is_its_own_canonical_text()
    {
        // Guards the other tests: they compare against the sample's text itself.
        Assert.Equal(ReportBodies.Odd, ReportBodies.Canonical(ReportBodies.Parse(ReportBodies.Odd)));
    }

    [Fact]
    public void Survives_a_round_trip_byte_equivalently()
    {
        var message = new RequestReport { RequestId = Guid.NewGuid(), Report = ReportBodies.Parse(ReportBodies.Odd) };

        var json = JsonSerializer.Serialize(message, MassTransitOptions);
        var readBack = JsonSerializer.Deserialize<RequestReport>(json, MassTransitOptions)!;

        Assert.Equal(ReportBodies.Odd, ReportBodies.Canonical(readBack.Report!.Value));
    }

    [Fact]
    public void Keeps_its_snake_case_keys_on_the_wire()
    {
        var message = new RequestReport { RequestId = Guid.NewGuid(), Report = ReportBodies.Parse(ReportBodies.Odd) };

        var written = ContractSamples.Serialize(message).GetProperty("report");

        Assert.Equal(ReportBodies.Odd, ReportBodies.Canonical(written));
        Assert.Equal(["report_name", "delivery_information", "report_query", "top_level_unknown"],
            written.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Is_read_from_plain_JSON_written_by_another_language()
    {
        var requestId = Guid.NewGuid();
        var json = $$"""{"requestId":"{{requestId}}","report":{{ReportBodies.Odd}},"maxCredits":1500,"requestedBy":"python-reporting"}""";

        var message = JsonSerializer.Deserialize<RequestReport>(json, MassTransitOptions)!;

        Assert.Equal(requestId, message.RequestId);
        Assert.Equal(1500, message.MaxCredits);
        Assert.Equal("python-reporting", message.RequestedBy);
        Assert.Equal(ReportBodies.Odd, ReportBodies.Canonical(message.Report!.Value));
    }

    [Fact]
    public void Leaves_the_optional_fields_empty_when_a_publisher_omits_them()
    {
        var requestId = Guid.NewGuid();

        var message = JsonSerializer.Deserialize<RequestReport>($$$"""{"requestId":"{{{requestId}}}","report":{"report_name":"x"}}""", MassTransitOptions)!;

        Assert.Equal(requestId, message.RequestId);
        Assert.Null(message.MaxCredits);
        Assert.Null(message.RequestedBy);
        Assert.Equal("""{"report_name":"x"}""", ReportBodies.Canonical(message.Report!.Value));
    }
}
