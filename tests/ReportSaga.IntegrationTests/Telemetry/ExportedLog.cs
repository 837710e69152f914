namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>One log record as the OTLP receiver stored it.</summary>
/// <param name="TraceId">The trace the record was written in (empty when none), 32 hex digits.</param>
/// <param name="Severity">OTLP severity text (Information, Warning, …).</param>
/// <param name="Body">The formatted message.</param>
/// <param name="Attributes">Structured-logging values, the category and the scopes, as text.</param>
public sealed record ExportedLog(
    string? TraceId,
    string? SpanId,
    string? Severity,
    string? Body,
    string ServiceName,
    string ScopeName,
    IReadOnlyDictionary<string, string> Attributes);
