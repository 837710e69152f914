using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Consumers;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// The submit consumer runs with no transaction or inbox lock held (it calls the provider), so a duplicate delivery
/// of one SubmitReport can run while the first is still in its call. The ledger's unresolved claim must then not end
/// the report as submission_uncertain: the duplicate waits for the live attempt, and only a claim too old to belong
/// to a running attempt (a crash mid-call) is uncertain.
/// </summary>
public sealed class When_a_submit_command_is_delivered_twice_at_once
{
    private const string Endpoint = "submit-report-under-test";
    private static readonly Guid StepToken = NewId.NextGuid();

    [Fact]
    public async Task The_duplicate_waits_for_the_first_call_and_answers_with_its_report()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Faults = new SimulatorFaultOptions { Latency = TimeSpan.FromSeconds(1) },
        });
        await using var provider = await StartAsync(simulator, TimeProvider.System);
        var harness = provider.GetRequiredService<ITestHarness>();
        var requestId = NewId.NextGuid();

        await SendAsync(harness, requestId);
        await Task.Delay(TimeSpan.FromMilliseconds(200)); // the first attempt is now in its one-second call
        await SendAsync(harness, requestId);

        var submitted = await WaitForAsync<ReportSubmissionAccepted>(harness, m => m.RequestId == requestId, count: 2);
        Assert.Equal(submitted[0].ReportId, submitted[1].ReportId);
        Assert.False(await harness.Sent.Any<ReportRejected>(x => x.Context.Message.RequestId == requestId));
        Assert.Single(simulator.State.SubmittedReports());
    }

    [Fact]
    public async Task A_claim_too_old_for_a_running_attempt_is_uncertain_at_once()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var provider = await StartAsync(simulator, time);
        var harness = provider.GetRequiredService<ITestHarness>();
        var requestId = NewId.NextGuid();
        // An attempt claimed it and died in its call.
        await provider.GetRequiredService<ISubmissionLedger>().ClaimAsync(requestId);
        // Older than the attempt timeout (5 s here) and the consumer's margin for recording the outcome (15 s).
        time.Advance(TimeSpan.FromSeconds(21));

        await SendAsync(harness, requestId);

        var rejected = Assert.Single(await WaitForAsync<ReportRejected>(harness, m => m.RequestId == requestId, count: 1));
        Assert.Equal(ReportFailureReasons.SubmissionUncertain, rejected.Reason);
        Assert.Empty(simulator.State.SubmittedReports());
    }

    private static async Task<ServiceProvider> StartAsync(SimulatorHost simulator, TimeProvider time)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BatchApi:BaseUrl"] = simulator.BaseAddress.ToString(),
            ["BatchApi:ApiKey"] = "demo-key",
            ["BatchApi:AttemptTimeout"] = "00:00:05",
        }).Build();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddBatchApiClient(configuration);
        services.AddSingleton<ISubmissionLedger>(new InMemorySubmissionLedger(time));
        // The saga's side (this step is the one it waits on) is not what this test is about.
        services.AddSingleton<ISubmissionAuthority, EverySubmissionAllowed>();
        services.AddMassTransitTestHarness(x =>
        {
            x.AddConsumer<SubmitReportConsumer>().Endpoint(e => e.Name = Endpoint);
            x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });

        var provider = services.BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<ITestHarness>().Start();
        return provider;
    }

    private static async Task SendAsync(ITestHarness harness, Guid requestId)
    {
        var endpoint = await harness.Bus.GetSendEndpoint(new Uri($"queue:{Endpoint}"));
        await endpoint.Send(new SubmitReport { RequestId = requestId, StepToken = StepToken });
    }

    /// <summary>Approves every command, with a report body of its own.</summary>
    private sealed class EverySubmissionAllowed : ISubmissionAuthority
    {
        public Task<JsonElement?> ApprovedReportAsync(Guid requestId, Guid stepToken, CancellationToken cancellationToken = default) =>
            Task.FromResult<JsonElement?>(ReportBodies.Monthly($"twice {requestId}"));
    }

    /// <summary>The matching messages sent so far, once there are <paramref name="count"/> (the limit only stops a hung test).</summary>
    private static async Task<List<T>> WaitForAsync<T>(ITestHarness harness, Func<T, bool> match, int count)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        List<T> found;
        do
        {
            await Task.Delay(50);
            found = harness.Sent.Select<T>().Select(x => x.Context.Message).Where(match).ToList();
        }
        while (found.Count < count && DateTime.UtcNow < deadline);

        return found;
    }
}
