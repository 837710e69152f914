using System.Diagnostics;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ReportSaga.Service.Hosting;
using ReportSaga.Service.OperatorApi;
using ReportSaga.Service.OperatorHttp;
using ReportSaga.Service.Reports;
using Spectre.Console;

namespace ReportSaga.Service.Demo;

/// <summary>
/// <c>dotnet run --project src/ReportSaga.Service -- demo</c>: the whole service on the embedded defaults (in-memory
/// bus, SQLite file, simulator in process), a handful of sample reports through every interesting path, live progress,
/// and a summary. The same run can be pointed at a real broker, database or Batch API.
/// </summary>
public static class DemoCommand
{
    /// <param name="options">The demo's options, from the command line (<c>ReportSaga.Service.Cli.DemoVerb</c>).</param>
    /// <param name="console">Where the demo writes; the terminal when null (tests pass their own).</param>
    public static async Task<int> RunAsync(DemoOptions options, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
        ApplyDemoSettings(builder.Configuration, options);
        // The board and the summary are the demo's output: the service's own logs (HttpClient and Polly on every call,
        // the host's lifetime messages, the expected failures of the sample paths) would scroll them away. Errors still show.
        ConfigureLogging(builder.Logging);
        builder.Services.AddSingleton<DemoBoard>();
        // The operator console and its API, protected as in the service (no key: loopback callers only).
        builder.AddOperatorHttp(isProduction: false);

        var parts = await ReportSagaHost.ConfigureAsync(builder, bus => bus.AddConsumer<DemoObserver>());
        builder.AddOperatorApi(parts);
        await using var app = builder.Build();
        app.UseOperatorHttp();
        app.MapReportEndpoints();
        app.MapOperatorApi();
        console.MarkupLineInterpolated($"[bold]ReportSaga demo[/]: {parts.Describe()}");

        await app.StartAsync();
        var consoleUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        console.MarkupLineInterpolated($"Operator console: [link]{consoleUrl}/[/] (open it while the demo runs; --keep-open keeps it after)");
        var board = app.Services.GetRequiredService<DemoBoard>();
        var bus = app.Services.GetRequiredService<IBus>();
        using var pollCounter = bus.ConnectConsumeMessageObserver(new DemoPollCounter(board));
        var renderer = new DemoRenderer(console, board);
        var samples = DemoSamples.Create(options.ExtraReports);
        var stopwatch = Stopwatch.StartNew();

        bool allEnded;
        if (renderer.Interactive)
        {
            allEnded = false;
            await console.Live(renderer.BuildTable()).StartAsync(async live =>
            {
                allEnded = await DemoRunner.RunAsync(bus, board, samples, options.Timeout,
                    () => live.UpdateTarget(renderer.BuildTable()), CancellationToken.None);
            });
        }
        else
        {
            allEnded = await DemoRunner.RunAsync(bus, board, samples, options.Timeout, renderer.PrintChanges, CancellationToken.None);
        }

        renderer.PrintSummary(stopwatch.Elapsed);
        if (options.KeepOpen)
        {
            console.MarkupLineInterpolated($"The service and its operator console stay open at [link]{consoleUrl}/[/]: press Ctrl+C to stop.");
            await app.WaitForShutdownAsync();
        }

        await app.StopAsync();
        DeleteOwnDatabase();
        return allEnded && DemoRunner.EndedAsExpected(board) ? 0 : 1;
    }

    /// <summary>Only errors reach the terminal, whatever appsettings.json or the environment configure.</summary>
    public static void ConfigureLogging(ILoggingBuilder logging) => logging.KeepOnly(LogLevel.Error);

    /// <summary>The run's own SQLite file, when no storage is given: deleted when the demo ends.</summary>
    private static readonly string OwnDatabasePath = Path.Combine(Path.GetTempPath(), $"reportsaga-demo-{Environment.ProcessId}.db");

    private static void DeleteOwnDatabase()
    {
        foreach (var file in new[] { OwnDatabasePath, OwnDatabasePath + "-wal", OwnDatabasePath + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Still open somewhere: it is in the temporary folder, which the system cleans.
            }
        }
    }

    /// <summary>The demo's flags become the service's settings; short waits make the paths visible in seconds.</summary>
    public static void ApplyDemoSettings(ConfigurationManager configuration, DemoOptions options)
    {
        SetDefault(configuration, "Polling:InitialInterval", "00:00:01");
        SetDefault(configuration, "Polling:MaxInterval", "00:00:03");
        SetDefault(configuration, "Reports:RetryDelay", "00:00:01");
        SetDefault(configuration, "Simulator:ProcessingTime", "00:00:03");
        // The demo's reports are throwaway: keep them out of the working tree unless a path is given, and start each
        // run from an empty file of its own (one left by an older build could hold another migration history).
        SetDefault(configuration, "Storage:SqlitePath", OwnDatabasePath);
        if (options.RabbitMq is not null)
            configuration[ServiceParts.RabbitMqKey] = options.RabbitMq;
        if (options.Postgres is not null)
            configuration[ServiceParts.PostgresKey] = options.Postgres;
        if (options.BatchApi is not null)
            configuration[ServiceParts.BatchApiBaseUrlKey] = options.BatchApi;
        if (options.ApiKey is not null)
            configuration[ServiceParts.BatchApiKeyKey] = options.ApiKey;
    }

    private static void SetDefault(ConfigurationManager configuration, string key, string value)
    {
        if (string.IsNullOrEmpty(configuration[key]))
            configuration[key] = value;
    }
}
