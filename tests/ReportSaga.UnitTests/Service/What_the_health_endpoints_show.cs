using System.Net;
using ReportSaga.Service.Defaults;

namespace ReportSaga.UnitTests.Service;

/// <summary>The health endpoints answer anyone who reaches the port: they say what is wrong, not where things are.</summary>
public sealed class What_the_health_endpoints_show(ServiceUnderTest service) : IClassFixture<ServiceUnderTest>
{
    [Fact]
    public async Task Readiness_names_the_kind_of_database_but_not_its_file()
    {
        using var client = service.Client();

        using var response = await client.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"sqlite: migrations current\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetFileNameWithoutExtension(service.StoragePath), body, StringComparison.Ordinal);
        Assert.DoesNotContain("sqlite://", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), body, StringComparison.Ordinal);
    }

    [Theory]
    // MassTransit's bus check after a failed start: the connection error names user, host, port and virtual host.
    [InlineData("Not ready: start faulted: Broker unreachable: reportsaga@rabbit.internal:5672/prod", "Not ready: start faulted (the cause is in the service log)")]
    [InlineData("Not ready: stop faulted: Connection to amqp://rabbit.internal/ lost", "Not ready: stop faulted (the cause is in the service log)")]
    // Whatever else names a place, from any check.
    [InlineData("cannot reach postgres://db.internal:5432/reportsaga", "cannot reach …")]
    [InlineData("cannot reach db.internal:5432", "cannot reach …")]
    [InlineData("cannot reach 10.0.0.5:5432", "cannot reach …")]
    [InlineData("login failed for admin@db.internal", "login failed for …")]
    [InlineData("first line\n   at Some.Stack.Trace()", "first line")]
    public void Descriptions_that_name_a_place_lose_it(string description, string shown)
    {
        Assert.Equal(shown, HealthDescriptions.ForOperators(description));
    }

    [Theory]
    [InlineData("Ready")]
    [InlineData("Not ready: not started")]
    [InlineData("Degraded Endpoints: report-state,report-requests")]
    [InlineData("postgres: migrations current")]
    [InlineData("postgres: cannot open the database (NpgsqlException)")]
    [InlineData("3 of 7 receive endpoints consuming, none wedged")]
    [InlineData("Wedged (not consuming although the broker answers): report-state (silent for 0:00:02:13.5)")]
    public void Descriptions_that_name_no_place_are_shown_as_they_are(string description)
    {
        Assert.Equal(description, HealthDescriptions.ForOperators(description));
    }
}
