namespace ReportSaga.Service.Demo;

/// <summary>The demo's options (parsed by <c>ReportSaga.Service.Cli.DemoVerb</c>).</summary>
public sealed record DemoOptions
{
    public int ExtraReports { get; init; }
    public string? RabbitMq { get; init; }
    public string? Postgres { get; init; }
    public string? BatchApi { get; init; }
    public string? ApiKey { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>After the summary, keep the service (and its operator console) running until Ctrl+C.</summary>
    public bool KeepOpen { get; init; }

    /// <summary>The loopback port of the service's HTTP (the operator console); 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>A record prints every property: the connection strings and the key are shown only as set or not.</summary>
    public override string ToString() =>
        $"DemoOptions {{ ExtraReports = {ExtraReports}, RabbitMq = {SetOrNot(RabbitMq)}, Postgres = {SetOrNot(Postgres)}, " +
        $"BatchApi = {SetOrNot(BatchApi)}, ApiKey = {SetOrNot(ApiKey)}, Timeout = {Timeout:g}, KeepOpen = {KeepOpen}, Port = {Port} }}";

    private static string SetOrNot(string? value) => string.IsNullOrEmpty(value) ? "(none)" : "(set)";
}
