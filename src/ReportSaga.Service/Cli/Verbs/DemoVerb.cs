using System.ComponentModel;
using ReportSaga.Service.Demo;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReportSaga.Service.Cli.Verbs;

/// <summary><c>demo</c>: the whole service on the embedded defaults with sample reports (<see cref="DemoCommand"/>).</summary>
public sealed class DemoVerb(IAnsiConsole console) : AsyncCommand<DemoVerb.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--reports <N>")]
        [Description("Also run N plain reports besides the five samples (0-10000, default 0).")]
        public int Reports { get; set; }

        [CommandOption("--rabbitmq <URI>")]
        [Description("Use this RabbitMQ (ConnectionStrings__RabbitMq) instead of the in-memory bus.")]
        public string? RabbitMq { get; set; }

        [CommandOption("--postgres <CONNECTION_STRING>")]
        [Description("Use this PostgreSQL (ConnectionStrings__Postgres) instead of the SQLite file.")]
        public string? Postgres { get; set; }

        [CommandOption("--batch-api <URL>")]
        [Description("Call this Batch API (BatchApi__BaseUrl) instead of the embedded simulator.")]
        public string? BatchApi { get; set; }

        [CommandOption("--api-key <KEY>")]
        [Description("The Batch API key (BatchApi__ApiKey); prefer the environment variable for a real key.")]
        public string? ApiKey { get; set; }

        [CommandOption("--timeout <SECONDS>")]
        [Description("Give up after this long (default 90).")]
        public int Timeout { get; set; } = 90;

        [CommandOption("--port <N>")]
        [Description("Serve the operator console on http://127.0.0.1:N/ (default: a free port, printed).")]
        public int Port { get; set; }

        [CommandOption("--keep-open")]
        [Description("After the summary, keep the service and its console running until Ctrl+C.")]
        public bool KeepOpen { get; set; }

        public override ValidationResult Validate() =>
            Reports is < 0 or > 10_000 ? ValidationResult.Error("--reports must be between 0 and 10000.")
            : Timeout <= 0 ? ValidationResult.Error("--timeout must be a positive number of seconds.")
            : Port is < 0 or > 65_535 ? ValidationResult.Error("--port must be between 0 and 65535.")
            : ValidationResult.Success();
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        DemoCommand.RunAsync(new DemoOptions
        {
            ExtraReports = settings.Reports, RabbitMq = settings.RabbitMq, Postgres = settings.Postgres, BatchApi = settings.BatchApi,
            ApiKey = settings.ApiKey, Timeout = TimeSpan.FromSeconds(settings.Timeout), Port = settings.Port, KeepOpen = settings.KeepOpen,
        }, console);
}
