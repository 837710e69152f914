using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Orchestration.Telemetry;
using ReportSaga.UnitTests.Deploy;
using ReportSaga.Testing.Telemetry;
using ReportSaga.UnitTests.Service;

namespace ReportSaga.UnitTests.Telemetry;

/// <summary>
/// The instruments the running service exports are exactly <see cref="ExportedInstruments.All"/>, each name defined once,
/// and docs/operations.md lists the same ones with the same type and unit: a rename or a new instrument is a visible
/// change to the list, the docs and (through the dashboard tests) the dashboard.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class The_exported_instruments
{
    [Fact]
    public async Task The_running_service_exports_every_listed_instrument_with_its_type_and_unit_and_no_other()
    {
        await using var service = new ServiceUnderTest();
        var meterFactory = service.Services.GetRequiredService<IMeterFactory>();

        var exported = InstrumentsOf(meter => meter == ReportSagaTelemetry.Meter || meter.Scope == meterFactory);

        Assert.Equal(
            ExportedInstruments.All.Select(i => $"{i.Name} | {i.Kind} | {i.Unit}").Order(),
            exported.Select(i => $"{i.Name} | {ExportedInstruments.KindOf(i)} | {i.Unit}").Order());
    }

    [Fact]
    public async Task No_two_instruments_of_the_service_share_a_name()
    {
        await using var service = new ServiceUnderTest();
        var meterFactory = service.Services.GetRequiredService<IMeterFactory>();

        var names = InstrumentsOf(meter => meter == ReportSagaTelemetry.Meter || meter.Scope == meterFactory).Select(i => i.Name).ToList();

        Assert.NotEmpty(names);
        Assert.Empty(names.GroupBy(name => name).Where(group => group.Count() > 1).Select(group => group.Key));
    }

    [Fact]
    public void Every_instrument_is_named_by_the_conventions()
    {
        foreach (var instrument in ExportedInstruments.All)
        {
            // Lower case, dot-separated, under the service's own namespace; a singular namespace ("report", not "reports").
            Assert.Matches("^reportsaga(\\.[a-z][a-z0-9_]*)+$", instrument.Name);
            var namespaces = instrument.Name.Split('.')[..^1];
            Assert.All(namespaces, part => Assert.False(part.EndsWith('s') && part != "reportsaga", $"{instrument.Name}: namespace '{part}' is plural"));
            // Seconds for time, a {annotation} for counts of things: never ms, never a bare "1" for a count.
            Assert.Matches("^(s|\\{[a-z_]+\\})$", instrument.Unit);
            if (instrument.Name.EndsWith(".duration", StringComparison.Ordinal) || instrument.Name.EndsWith(".lag", StringComparison.Ordinal))
                Assert.Equal("s", instrument.Unit);
        }
    }

    [Fact]
    public void The_operations_guide_lists_the_same_instruments_with_the_same_type_and_unit()
    {
        var documented = DocumentedInstruments().ToList();

        Assert.Equal(
            ExportedInstruments.All.Select(i => $"{i.Name} | {i.Kind} | {i.Unit}").Order(),
            documented.Select(i => $"{i.Name} | {i.Kind} | {i.Unit}").Order());
    }

    /// <summary>The rows of the instrument table in docs/operations.md ("| `name` | type | unit | …").</summary>
    public static IEnumerable<ExportedInstruments.Instrument> DocumentedInstruments() =>
        File.ReadLines(RepositoryRoot.File("docs", "operations.md"))
            .Where(line => line.StartsWith("| `reportsaga.", StringComparison.Ordinal))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => new ExportedInstruments.Instrument(cells[1].Trim('`'), cells[2], cells[3]));

    /// <summary>Every instrument published on a meter named ReportSaga… that <paramref name="ours"/> accepts.</summary>
    private static List<Instrument> InstrumentsOf(Func<Meter, bool> ours)
    {
        var found = new List<Instrument>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name.StartsWith(ReportSagaTelemetry.MeterName, StringComparison.Ordinal) && ours(instrument.Meter))
            {
                lock (found)
                    found.Add(instrument);
            }
        };
        listener.Start(); // publishes every instrument that exists now
        return found;
    }
}
