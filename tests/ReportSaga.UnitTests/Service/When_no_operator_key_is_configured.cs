using System.Net;

namespace ReportSaga.UnitTests.Service;

/// <summary>Outside Production with no <c>Http__ApiKeys</c>: only callers connecting from loopback get in.</summary>
public sealed class When_no_operator_key_is_configured(ServiceUnderTest service) : IClassFixture<ServiceUnderTest>
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.53")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task A_loopback_caller_reads_a_report_without_a_key(string address)
    {
        var report = await service.AddReportAsync();
        using var client = service.Client(remoteAddress: address);

        using var response = await client.GetAsync($"/reports/{report.CorrelationId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("10.0.0.5")]
    [InlineData("2001:db8::1")]
    [InlineData(null)]
    public async Task Any_other_caller_answers_401(string? address)
    {
        var report = await service.AddReportAsync();
        using var client = service.Client(remoteAddress: address);

        using var response = await client.GetAsync($"/reports/{report.CorrelationId}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_remote_caller_still_reaches_the_health_endpoints()
    {
        using var client = service.Client(remoteAddress: "203.0.113.7");

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
