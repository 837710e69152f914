using System.Globalization;

namespace ReportSaga.Service.Demo;

/// <summary>The demo's command-line options.</summary>
public sealed record DemoOptions
{
    public int ExtraReports { get; init; }
    public string? RabbitMq { get; init; }
    public string? Postgres { get; init; }
    public string? BatchApi { get; init; }
    public string? ApiKey { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(90);
    public bool Help { get; init; }

    /// <summary>After the summary, keep the service (and its operator console) running until Ctrl+C.</summary>
    public bool KeepOpen { get; init; }

    /// <summary>The loopback port of the service's HTTP (the operator console); 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>A record prints every property: the connection strings and the key are shown only as set or not.</summary>
    public override string ToString() =>
        $"DemoOptions {{ ExtraReports = {ExtraReports}, RabbitMq = {SetOrNot(RabbitMq)}, Postgres = {SetOrNot(Postgres)}, " +
        $"BatchApi = {SetOrNot(BatchApi)}, ApiKey = {SetOrNot(ApiKey)}, Timeout = {Timeout:g}, Help = {Help}, KeepOpen = {KeepOpen}, Port = {Port} }}";

    private static string SetOrNot(string? value) => string.IsNullOrEmpty(value) ? "(none)" : "(set)";

    public static bool TryParse(IReadOnlyList<string> args, out DemoOptions options, out string error)
    {
        options = new DemoOptions();
        error = "";
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                options = options with { Help = true };
                continue;
            }

            if (name == "--keep-open")
            {
                options = options with { KeepOpen = true };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                error = $"Option {name} needs a value.";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--reports" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= 10_000:
                    options = options with { ExtraReports = count };
                    break;
                case "--timeout" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    options = options with { Timeout = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535:
                    options = options with { Port = port };
                    break;
                case "--rabbitmq":
                    options = options with { RabbitMq = value };
                    break;
                case "--postgres":
                    options = options with { Postgres = value };
                    break;
                case "--batch-api":
                    options = options with { BatchApi = value };
                    break;
                case "--api-key":
                    options = options with { ApiKey = value };
                    break;
                case "--reports" or "--timeout" or "--port":
                    error = $"Option {name} takes a whole number (got '{value}').";
                    return false;
                default:
                    error = $"Unknown option {name}.";
                    return false;
            }
        }

        return true;
    }
}
