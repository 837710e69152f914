using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportSaga.BatchApi;
using ReportSaga.Simulator;
using ReportSaga.UnitTests.BatchApi;

namespace ReportSaga.UnitTests.Simulator;

public sealed class When_hosting_the_simulator
{
    [Fact]
    public async Task Settings_are_read_from_the_Simulator_section_with_comma_separated_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:ApiKeys"] = "first,second",
            ["Simulator:ProcessingTime"] = "00:00:00",
            ["Simulator:InitialCredits"] = "500",
            ["Simulator:Faults:ValidateErrorRate"] = "0.25",
        }).Build();
        var services = new ServiceCollection().AddBatchApiSimulator(configuration);
        await using var provider = services.BuildServiceProvider();

        var state = provider.GetRequiredService<SimulatorState>();

        Assert.Equal(new HashSet<string> { "first", "second" }, state.Options.AcceptedApiKeys());
        Assert.Equal(TimeSpan.Zero, state.Options.ProcessingTime);
        Assert.Equal(500, state.RemainingCredits("second"));
        Assert.Equal(0.25, state.Options.Faults.ValidateErrorRate);
    }

    [Fact]
    public async Task It_can_be_mapped_under_a_prefix_inside_another_web_application()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddBatchApiSimulator(o => o.ProcessingTime = TimeSpan.Zero);
        await using var app = builder.Build();
        app.MapGet("/health", () => "ok");
        app.MapBatchApiSimulator("/simulator");
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = TestClient.For(new Uri(address, "/simulator/"));

        var reportId = (await client.Api.RequestReportAsync(ReportBodies.Body())).Value!.ReportId;
        var status = await client.Api.GetStatusAsync(reportId);
        using var download = await new HttpClient().GetAsync(status.Value!.DownloadUrl);

        Assert.Equal(ProviderStatuses.Completed, status.Value.Status);
        Assert.StartsWith(new Uri(address, "/simulator/simulator/downloads/").ToString(), status.Value.DownloadUrl);
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal(1, app.Services.GetRequiredService<SimulatorState>().CallCount(SimulatorEndpoint.RequestReport));
        await app.StopAsync();
    }

    [Fact]
    public async Task The_state_lists_submitted_reports_in_order_with_their_names()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.FromHours(1) });
        using var client = TestClient.For(simulator.BaseAddress);

        var ids = new List<string>();
        foreach (var name in new[] { "one", "two", "three" })
        {
            ids.Add((await client.Api.RequestReportAsync(ReportBodies.Body(name))).Value!.ReportId);
        }

        var reports = simulator.State.SubmittedReports();
        Assert.Equal(ids, reports.Select(r => r.ReportId));
        Assert.Equal(["one", "two", "three"], reports.Select(r => r.ReportName));
        Assert.All(reports, r => Assert.Equal("pending", r.Status));
        Assert.All(reports, r => Assert.Equal(ReportBodies.DefaultEstimate, r.EstimatedCredits));
        Assert.Equal(3, simulator.State.CallCount(SimulatorEndpoint.RequestReport));
        simulator.State.ResetCallCounts();
        Assert.Equal(0, simulator.State.CallCount(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task Concurrent_submissions_never_exceed_the_pending_limit()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { MaxPendingReportsPerKey = 10, ProcessingTime = TimeSpan.FromHours(1) });
        using var client = TestClient.For(simulator.BaseAddress);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.Api.RequestReportAsync(ReportBodies.Body($"c{i}"))));

        Assert.Equal(10, results.Count(r => r.IsSuccess));
        Assert.Equal(30, results.Count(r => r.Outcome == BatchApiOutcome.RateLimited));
        Assert.Equal(10, simulator.State.SubmittedReports().Count);
    }
}
