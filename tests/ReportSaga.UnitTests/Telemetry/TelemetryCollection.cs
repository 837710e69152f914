namespace ReportSaga.UnitTests.Telemetry;

/// <summary>
/// Tests that listen to process-wide telemetry (the static ReportSaga meter, HttpClient and ASP.NET Core spans,
/// which every tracer provider in the process sees) run alone, so other tests' measurements do not mix in.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Process-wide telemetry";
}
