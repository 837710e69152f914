using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Reports;

namespace ReportSaga.UnitTests.Reports;

/// <summary><see cref="ReportStates"/>, the one list of state names the gauges, retention and the operator API use, is the machine's own.</summary>
public sealed class The_report_states
{
    private readonly ReportStateMachine _machine = new(Options.Create(new PollingOptions()), Options.Create(new ReportsOptions()),
        Options.Create(new SubmissionOptions()), TimeProvider.System, NullLogger<ReportStateMachine>.Instance);

    [Fact]
    public void Are_the_machines_states_each_either_unfinished_or_finished()
    {
        var states = _machine.States.Select(state => state.Name).Except([_machine.Initial.Name, _machine.Final.Name]);

        Assert.Equal(states.Order(), ReportStates.Unfinished.Concat(ReportStates.Finished).Order());
        Assert.Empty(ReportStates.Unfinished.Intersect(ReportStates.Finished));
        Assert.Equal(ReportStates.Initial, _machine.Initial.Name);
    }

    [Fact]
    public void In_the_gate_are_the_unfinished_ones_after_validation()
    {
        Assert.Equal(ReportStates.Unfinished.Except([ReportStates.Validating]), ReportStates.InGate);
    }
}
