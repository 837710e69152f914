namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>
/// The end-to-end tests start service processes, kill them, and cut their broker and database connections.
/// They run alone: xunit runs a collection with parallelization disabled after every parallel collection is done,
/// so no other integration test shares the machine's two cores or the servers with them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "End to end: service processes on disturbed servers";
}
