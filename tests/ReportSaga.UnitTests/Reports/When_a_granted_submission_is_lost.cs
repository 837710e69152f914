using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// The gate's worker grants a slot and then submits the report itself. If it crashes between the grant's commit and
/// the send (or the broker loses the command), the report is still queued with its slot held: the worker must find
/// that and submit it again, once.
/// </summary>
public sealed class When_a_granted_submission_is_lost : ReportSagaTest
{
    protected override void Services(IServiceCollection services) =>
        services.AddSingleton<ISubmissionGrants>(provider => new ForgetsItsFirstGrants(provider.GetRequiredService<InMemorySubmissionQueue>()));

    [Fact]
    public async Task The_gate_submits_it_again_after_the_resend_time_and_the_provider_gets_it_once()
    {
        var requestId = await Harness.RequestAsync("grant lost");
        await Harness.AdvanceAsync(TimeSpan.FromSeconds(10));
        // Granted, but nothing was sent: the report waits with its slot held.
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.RequestReport));
        Assert.Empty(Harness.Published<ReportSubmitted>(requestId, m => m.RequestId));

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));

        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.RequestReport));
        Assert.Single(Harness.Bus.Sent.Select<SubmitReport>(), m => m.Context.Message.RequestId == requestId);
        Assert.False(Harness.AnyFaults());
    }

    /// <summary>The gate as if its worker crashed right after committing its first grants: the grants stand, no message goes out.</summary>
    private sealed class ForgetsItsFirstGrants(ISubmissionGrants inner) : ISubmissionGrants
    {
        private int _lost;

        public async Task<GrantPass> GrantAsync(GrantRules rules, CancellationToken cancellationToken = default)
        {
            var pass = await inner.GrantAsync(rules, cancellationToken);
            return pass.Granted.Count > 0 && Interlocked.Exchange(ref _lost, 1) == 0 ? GrantPass.Empty : pass;
        }

        public Task<IReadOnlyList<SubmissionGrant>> UnclaimedGrantsAsync(DateTimeOffset grantedBefore, int limit, CancellationToken cancellationToken = default) =>
            inner.UnclaimedGrantsAsync(grantedBefore, limit, cancellationToken);

        public Task<bool> IsGrantedAsync(Guid requestId, CancellationToken cancellationToken = default) => inner.IsGrantedAsync(requestId, cancellationToken);

        public Task<SubmissionGateCounts> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);
    }
}
