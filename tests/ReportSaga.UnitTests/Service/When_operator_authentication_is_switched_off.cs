using System.Net;

namespace ReportSaga.UnitTests.Service;

/// <summary><c>Http__Authentication=None</c>: the API is open to anyone, and the service says so at start.</summary>
public sealed class When_operator_authentication_is_switched_off(When_operator_authentication_is_switched_off.OpenService service)
    : IClassFixture<When_operator_authentication_is_switched_off.OpenService>
{
    public sealed class OpenService() : ServiceUnderTest(new Dictionary<string, string?> { ["Http:Authentication"] = "None" });

    [Fact]
    public async Task A_remote_caller_without_a_key_reads_a_report_and_start_up_logged_a_warning()
    {
        var report = await service.AddReportAsync();
        using var client = service.Client(remoteAddress: "203.0.113.7");

        using var response = await client.GetAsync($"/reports/{report.CorrelationId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(service.Logs.Lines, line => line.StartsWith("Warning ", StringComparison.Ordinal) && line.Contains("Http__Authentication=None", StringComparison.Ordinal));
    }
}
