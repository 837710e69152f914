using System.Net;
using ReportSaga.Service.OperatorHttp;

namespace ReportSaga.UnitTests.Service;

/// <summary>The report API's limit: per caller, 429 with Retry-After beyond it; the health endpoints are never limited.</summary>
public sealed class When_a_caller_exceeds_the_rate_limit(When_a_caller_exceeds_the_rate_limit.LimitedService service)
    : IClassFixture<When_a_caller_exceeds_the_rate_limit.LimitedService>
{
    private const string FirstKey = "first-caller-key-0123";
    private const string SecondKey = "second-caller-key-0123";

    /// <summary>Two requests a minute per caller: a test never runs into the next window.</summary>
    public sealed class LimitedService() : ServiceUnderTest(new Dictionary<string, string?>
    {
        ["Http:ApiKeys"] = $"{FirstKey},{SecondKey}",
        ["Http:RateLimitPermits"] = "2",
        ["Http:RateLimitWindow"] = "00:01:00",
    });

    [Fact]
    public async Task The_request_past_the_limit_answers_429_with_retry_after_and_another_caller_is_not_affected()
    {
        var report = await service.AddReportAsync();
        var path = $"/reports/{report.CorrelationId}";
        using var client = service.Client();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 3; i++)
        {
            var response = await client.SendAsync(When_the_operator_api_is_called.Request(path, "Bearer", FirstKey));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                refused = response;
            else
                response.Dispose();
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        var retryAfter = refused!.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.True(retryAfter > TimeSpan.Zero);
        refused.Dispose();

        using var other = await client.SendAsync(When_the_operator_api_is_called.Request(path, ApiKeyAuthenticationHandler.ApiKeyHeader, SecondKey));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Health_probes_are_not_limited()
    {
        using var client = service.Client();

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
