namespace ReportSaga.Persistence.Telemetry;

/// <summary>How often the gauges read from the database refresh their counts; section <c>Telemetry</c>.</summary>
public sealed class ReportGaugeOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// How often the reports by state, the submission gate's line and the requesters' usage are counted,
    /// <c>Telemetry__ReportsByStateInterval</c> (a TimeSpan such as <c>00:00:15</c>).
    /// </summary>
    public TimeSpan ReportsByStateInterval { get; set; } = TimeSpan.FromSeconds(15);
}
