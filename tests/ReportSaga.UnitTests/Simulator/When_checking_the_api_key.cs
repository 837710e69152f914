using ReportSaga.Simulator;
using static ReportSaga.UnitTests.Simulator.SimulatorCalls;

namespace ReportSaga.UnitTests.Simulator;

public sealed class When_checking_the_api_key
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("")]
    public async Task A_missing_or_wrong_key_gets_401_in_plain_text_on_every_endpoint(string? key)
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var http = Http(simulator.BaseAddress, apiKey: key);

        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Post, "/batch/v4/request-validate"), (HttpMethod.Post, "/batch/v4/request-report"),
                     (HttpMethod.Get, "/v3/batch/request-status/x"), (HttpMethod.Post, "/v3/batch/retry-report/x"),
                     (HttpMethod.Get, "/v3/batch/credits"),
                 })
        {
            using var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent("{}") });
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(401, (int)response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Unauthorized: the api-key is missing or not valid.", text);
        }

        Assert.Empty(simulator.State.SubmittedReports());
    }

    [Fact]
    public async Task Several_keys_are_accepted_each_with_its_own_credits_and_reports()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ApiKeys = "key-a, key-b", InitialCredits = 100, ProcessingTime = TimeSpan.Zero });
        using var a = Http(simulator.BaseAddress, "key-a");
        using var b = Http(simulator.BaseAddress, "key-b");

        var (_, created) = await PostJson(a, "/batch/v4/request-report", BatchApi.ReportBodies.Node());
        var reportId = created.GetProperty("report_id").GetString();
        using var seenByB = await b.GetAsync($"/v3/batch/request-status/{reportId}");
        using var seenByA = await a.GetAsync($"/v3/batch/request-status/{reportId}");

        Assert.Equal(404, (int)seenByB.StatusCode);
        Assert.Equal(200, (int)seenByA.StatusCode);
        Assert.Equal(100 - 24, simulator.State.RemainingCredits("key-a"));
        Assert.Equal(100, simulator.State.RemainingCredits("key-b"));
    }
}
