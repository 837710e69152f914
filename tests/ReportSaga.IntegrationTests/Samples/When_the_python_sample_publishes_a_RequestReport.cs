using ReportSaga.IntegrationTests.Infrastructure;

namespace ReportSaga.IntegrationTests.Samples;

/// <summary>
/// samples/publish-request.py, run with a Python 3 that has pika as a user of another language would, against the
/// real broker: its plain JSON body must be read by ReportSaga's entry endpoint as exactly one RequestReport.
/// </summary>
public sealed class When_the_python_sample_publishes_a_RequestReport(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>
{
    private const string Script = "publish-request.py";

    [Fact]
    public async Task The_entry_endpoint_reads_it_as_exactly_one_RequestReport_with_the_body_unchanged()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await EntryEndpoint.StartAsync(isolated.RabbitMqUri);
        var requestId = Guid.NewGuid();
        var result = await PlainJsonSample.RunWithOddReportFileAsync(reportFile =>
            RunScriptAsync(isolated,
                "--report", reportFile, "--request-id", requestId.ToString(), "--max-credits", "1500", "--requested-by", "python \"ops\""));

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StandardError}");
        Assert.Equal($"published RequestReport requestId={requestId}", result.StandardOutput.Trim());
        await PlainJsonSample.AssertArrivedOnceUnchangedAsync(bus, requestId, maxCredits: 1500, requestedBy: "python \"ops\"");
    }

    [Fact]
    public async Task It_exits_with_3_and_says_to_start_ReportSaga_when_the_exchange_does_not_exist()
    {
        // A fresh virtual host where nothing ever declared the RequestReport exchange.
        await using var isolated = await infrastructure.CreateIsolatedAsync();

        var result = await RunScriptAsync(isolated);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("start ReportSaga", result.StandardError);
        Assert.Equal("", result.StandardOutput);
    }

    private static async Task<ScriptResult> RunScriptAsync(TestInfrastructure isolated, params string[] arguments)
    {
        var python = await PythonWithPika.GetAsync();
        return await ScriptRun.RunAsync(python, Script, new Dictionary<string, string>(), ["--url", isolated.RabbitMqUri.ToString(), .. arguments]);
    }
}
