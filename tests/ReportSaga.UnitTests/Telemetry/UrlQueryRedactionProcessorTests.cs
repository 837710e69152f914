using System.Diagnostics;
using ReportSaga.Service.Defaults;

namespace ReportSaga.UnitTests.Telemetry;

public sealed class UrlQueryRedactionProcessorTests
{
    private readonly UrlQueryRedactionProcessor _processor = new();

    [Theory]
    [InlineData("url.full")]
    [InlineData("http.url")]
    public void Strips_the_query_and_fragment_from_url_attributes(string attribute)
    {
        using var span = new Activity("GET").SetTag(attribute, "https://files.example/r/1.csv?X-Amz-Signature=abc&expires=1#part");

        _processor.OnEnd(span);

        Assert.Equal("https://files.example/r/1.csv", span.GetTagItem(attribute));
    }

    [Theory]
    [InlineData("url.query")]
    [InlineData("http.query")]
    public void Removes_query_only_attributes(string attribute)
    {
        using var span = new Activity("GET /reports").SetTag(attribute, "signature=abc");

        _processor.OnEnd(span);

        Assert.Null(span.GetTagItem(attribute));
    }

    [Fact]
    public void Leaves_urls_without_a_query_and_other_attributes_unchanged()
    {
        using var span = new Activity("POST")
            .SetTag("url.full", "https://api.example/batch/v4/request-report")
            .SetTag("http.response.status_code", 200)
            .SetTag("server.address", "api.example");

        _processor.OnEnd(span);

        Assert.Equal("https://api.example/batch/v4/request-report", span.GetTagItem("url.full"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal("api.example", span.GetTagItem("server.address"));
    }
}
