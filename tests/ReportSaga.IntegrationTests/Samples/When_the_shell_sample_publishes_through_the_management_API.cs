using ReportSaga.IntegrationTests.Infrastructure;

namespace ReportSaga.IntegrationTests.Samples;

/// <summary>
/// samples/publish-request.sh, run with bash as a user would, against the real broker's management HTTP API:
/// its plain JSON body must be read by ReportSaga's entry endpoint as exactly one RequestReport.
/// </summary>
public sealed class When_the_shell_sample_publishes_through_the_management_API(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>
{
    private const string Script = "publish-request.sh";

    [Fact]
    public async Task The_entry_endpoint_reads_its_body_as_exactly_one_RequestReport()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await EntryEndpoint.StartAsync(isolated.RabbitMqUri);
        var requestId = Guid.NewGuid();
        var result = await PlainJsonSample.RunWithOddReportFileAsync(reportFile =>
            RunScriptAsync(isolated, new() { ["REQUEST_ID"] = requestId.ToString(), ["MAX_CREDITS"] = "1500", ["REQUESTED_BY"] = "shell \"ops\"" },
                reportFile));

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StandardError}");
        Assert.Contains($"requestId={requestId}", result.StandardOutput);
        await PlainJsonSample.AssertArrivedOnceUnchangedAsync(bus, requestId, maxCredits: 1500, requestedBy: "shell \"ops\"");
    }

    [Fact]
    public async Task Without_a_report_file_it_sends_the_built_in_example_and_prints_a_new_request_id()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await EntryEndpoint.StartAsync(isolated.RabbitMqUri);

        var result = await RunScriptAsync(isolated, []);

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StandardError}");
        var received = await EntryEndpoint.DrainAsync(bus);
        var arrived = Assert.Single(received);
        Assert.Equal($"published RequestReport requestId={arrived.Message.RequestId}", result.StandardOutput.Trim());
        Assert.Equal(5000, arrived.Message.MaxCredits);
        Assert.Equal("samples-publish-request-sh", arrived.Message.RequestedBy);
        var table = arrived.Message.Report!.Value.GetProperty("report_query").GetProperty("tables")[0];
        Assert.Equal("monthly", table.GetProperty("granularity").GetString());
        Assert.Equal("download_link",
            arrived.Message.Report.Value.GetProperty("delivery_information").GetProperty("delivery_method").GetString());
    }

    [Fact]
    public async Task It_exits_with_3_and_says_to_start_ReportSaga_when_the_exchange_does_not_exist()
    {
        // A fresh virtual host where nothing ever declared the RequestReport exchange.
        await using var isolated = await infrastructure.CreateIsolatedAsync();

        var result = await RunScriptAsync(isolated, []);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("start ReportSaga", result.StandardError);
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task It_refuses_a_report_body_that_is_not_a_JSON_object_and_publishes_nothing()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await EntryEndpoint.StartAsync(isolated.RabbitMqUri);
        var reportFile = Path.Combine(Path.GetTempPath(), $"reportsaga-sample-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(reportFile, """["not", "an", "object"]""");
        ScriptResult result;
        try
        {
            result = await RunScriptAsync(isolated, [], reportFile);
        }
        finally
        {
            File.Delete(reportFile);
        }

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(await EntryEndpoint.DrainAsync(bus));
    }

    /// <summary>Runs the script with the management API's address, user and password in the environment, as its header documents.</summary>
    private static async Task<ScriptResult> RunScriptAsync(TestInfrastructure isolated, Dictionary<string, string> environment, params string[] arguments)
    {
        var server = await RabbitMqTestServer.GetAsync();
        var (user, password) = UriCredentials.Parse(server.ManagementUri);
        environment["RABBITMQ_MANAGEMENT_URL"] = new UriBuilder(server.ManagementUri) { UserName = "", Password = "" }.Uri.ToString();
        environment["RABBITMQ_VHOST"] = isolated.VirtualHost;
        environment["RABBITMQ_USER"] = user;
        environment["RABBITMQ_PASSWORD"] = password;
        return await ScriptRun.BashAsync(Script, environment, arguments);
    }
}
