using System.Text.Json;
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

    /// <summary>A body the script must pass through untouched: non-ASCII text, a number no double holds, a trailing zero.</summary>
    private const string OddReport =
        """{"report_name":"Zürich \"Q1\"","report_query":{"tables":[{"vtable":"traffic_and_engagement","granularity":"monthly","filters":{"domains":["example.ch"],"countries":["CH"]},"metrics":["all_traffic_visits"],"start_date":"2024-01","end_date":"2024-03","future_option":{"huge":123456789012345678901234567890,"price":0.10,"nothing":null}}]}}""";

    [Fact]
    public async Task The_entry_endpoint_reads_it_as_exactly_one_RequestReport_with_the_body_unchanged()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await EntryEndpoint.StartAsync(isolated.RabbitMqUri);
        var requestId = Guid.NewGuid();
        var reportFile = Path.Combine(Path.GetTempPath(), $"reportsaga-sample-{requestId:N}.json");
        await File.WriteAllTextAsync(reportFile, OddReport);
        ScriptResult result;
        try
        {
            result = await RunScriptAsync(isolated,
                "--report", reportFile, "--request-id", requestId.ToString(), "--max-credits", "1500", "--requested-by", "python \"ops\"");
        }
        finally
        {
            File.Delete(reportFile);
        }

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StandardError}");
        Assert.Equal($"published RequestReport requestId={requestId}", result.StandardOutput.Trim());
        var arrived = Assert.Single(await EntryEndpoint.DrainAsync(bus));
        Assert.Equal("application/json", arrived.ContentType);
        Assert.Equal(requestId, arrived.Message.RequestId);
        Assert.Equal(1500, arrived.Message.MaxCredits);
        Assert.Equal("python \"ops\"", arrived.Message.RequestedBy);
        Assert.Equal(OddReport, JsonSerializer.Serialize(arrived.Message.Report!.Value,
            new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        // ReportSaga's inbox keys on the message id: a plain body must carry one in the AMQP properties.
        Assert.NotNull(bus.Get<RequestReportMessageIds>().Of(requestId));
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
