using System.Net;
using System.Net.Http.Headers;
using ReportSaga.Service.OperatorHttp;

namespace ReportSaga.UnitTests.Service;

/// <summary>The operator HTTP API with keys configured: who gets in, and what stays out of the logs.</summary>
public sealed class When_the_operator_api_is_called(When_the_operator_api_is_called.KeyedService service)
    : IClassFixture<When_the_operator_api_is_called.KeyedService>
{
    private const string Key = "operator-key-0123456789";
    private const string RotatedKey = "operator-key-abcdefghij";
    private readonly ServiceUnderTest _service = service;

    /// <summary>One service for the class, with two keys as during a rotation.</summary>
    public sealed class KeyedService() : ServiceUnderTest(new Dictionary<string, string?> { ["Http:ApiKeys"] = $"{Key}, {RotatedKey}" });

    [Fact]
    public async Task Without_a_key_a_report_read_answers_401_with_a_bearer_challenge()
    {
        var report = await _service.AddReportAsync();
        using var client = _service.Client();

        using var response = await client.GetAsync($"/reports/{report.CorrelationId}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_loopback_caller_without_a_key_is_refused_too_once_keys_are_set()
    {
        var report = await _service.AddReportAsync();
        using var client = _service.Client(remoteAddress: "127.0.0.1");

        using var response = await client.GetAsync($"/reports/{report.CorrelationId}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("Bearer", "wrong-key-0123456789")]
    [InlineData("Bearer", Key + "x")]
    [InlineData("Basic", Key)]
    [InlineData(ApiKeyAuthenticationHandler.ApiKeyHeader, "operator-key-012345678")]
    public async Task A_wrong_key_answers_401(string how, string key)
    {
        var report = await _service.AddReportAsync();
        using var client = _service.Client();

        using var response = await client.SendAsync(Request($"/reports/{report.CorrelationId}", how, key));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("Bearer", Key)]
    [InlineData("Bearer", RotatedKey)]
    [InlineData(ApiKeyAuthenticationHandler.ApiKeyHeader, Key)]
    public async Task A_configured_key_in_either_header_reads_the_report(string how, string key)
    {
        var report = await _service.AddReportAsync();
        using var client = _service.Client();

        using var response = await client.SendAsync(Request($"/reports/{report.CorrelationId}", how, key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(report.ReportId!, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_that_matches_no_endpoint_answers_401_to_a_caller_without_a_key()
    {
        using var client = _service.Client();

        using var response = await client.GetAsync("/no-such-thing");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task The_health_endpoints_answer_without_a_key(string path)
    {
        using var client = _service.Client();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Neither_a_presented_nor_a_configured_key_is_logged()
    {
        var report = await _service.AddReportAsync();
        using var client = _service.Client();

        (await client.SendAsync(Request($"/reports/{report.CorrelationId}", "Bearer", Key))).Dispose();
        (await client.SendAsync(Request($"/reports/{report.CorrelationId}", "Bearer", "presented-but-wrong-key"))).Dispose();
        (await client.SendAsync(Request($"/reports/{report.CorrelationId}", ApiKeyAuthenticationHandler.ApiKeyHeader, RotatedKey))).Dispose();

        Assert.Contains("not valid", _service.Logs.AllText, StringComparison.Ordinal); // the failure itself is logged
        Assert.DoesNotContain(Key, _service.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(RotatedKey, _service.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("presented-but-wrong-key", _service.Logs.AllText, StringComparison.Ordinal);
    }

    internal static HttpRequestMessage Request(string path, string how, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (how == ApiKeyAuthenticationHandler.ApiKeyHeader)
            request.Headers.Add(how, key);
        else
            request.Headers.Authorization = new AuthenticationHeaderValue(how, key);
        return request;
    }
}
