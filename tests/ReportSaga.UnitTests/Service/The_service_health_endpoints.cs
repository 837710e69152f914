using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ReportSaga.UnitTests.Service;

/// <summary>Operators' probes: the service answers them once it runs.</summary>
public sealed class The_service_health_endpoints(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Answer_200_when_the_service_is_up(string path)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
