using System.Text.Json;
using CsCheck;
using ReportSaga.Orchestration.Requests;

namespace ReportSaga.UnitTests.Requests;

/// <summary>
/// <see cref="RequestReportSchema"/>: the published schema of <c>RequestReport</c> (docs/asyncapi.yaml) as the entry
/// endpoint applies it. What it refuses is named by the place in the request and the schema keyword broken.
/// </summary>
public sealed class The_request_report_schema
{
    private const string Report = """{"report_query":{"tables":[{"vtable":"traffic_and_engagement"}]}}""";
    private const string RequestId = "6f1c1d1e-0000-4000-8000-000000000001";

    [Fact]
    public void Takes_every_valid_request_the_rules_take()
    {
        JsonBodies.ValidRequest.Sample(sample =>
        {
            using var document = JsonDocument.Parse(sample.Json);
            Assert.Null(RequestReportSchema.Problem(document.RootElement));
        }, iter: 1000, threads: 1, print: s => s.Json);
    }

    [Fact]
    public void Takes_a_request_with_every_optional_field()
    {
        using var document = JsonDocument.Parse(
            $$"""{"requestId":"{{RequestId}}","report":{{Report}},"maxCredits":5000,"requestedBy":"orders","context":{"a":[1]},"deadline":"2026-12-07T18:00:00Z","future":"ignored"}""");

        Assert.Null(RequestReportSchema.Problem(document.RootElement));
    }

    [Theory]
    [InlineData($$"""{"requestId":"{{RequestId}}","report":{{Report}},"maxCredits":0}""", "/maxCredits", "#/properties/maxCredits/minimum")]
    [InlineData($$"""{"requestId":"{{RequestId}}","report":{{Report}},"context":[1]}""", "/context", "#/properties/context/type")]
    [InlineData($$"""{"requestId":"{{RequestId}}","report":{{Report}},"deadline":"soon"}""", "/deadline", "#/properties/deadline/pattern")]
    [InlineData("{\"requestId\":\"" + RequestId + "\",\"report\":{\"report_query\":{\"tables\":[]}}}", "/report/report_query/tables", "#/properties/report/properties/report_query/properties/tables/minItems")]
    [InlineData($$"""{"requestId":"{{RequestId}}"}""", "/", "#/required")]
    public void Names_the_place_in_the_request_and_the_schema_path_it_breaks(string body, string at, string schemaPath)
    {
        using var document = JsonDocument.Parse(body);

        var problem = RequestReportSchema.Problem(document.RootElement);

        Assert.NotNull(problem);
        Assert.Equal($"RequestReport does not match its schema (docs/asyncapi.yaml) at {at}, schema path {schemaPath}: ", problem[..problem.IndexOf(": ", StringComparison.Ordinal)] + ": ");
    }
}
