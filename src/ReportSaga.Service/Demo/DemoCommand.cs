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
    public const string Usage = """
        Usage: dotnet run --project src/ReportSaga.Service -- demo [options]

          --reports N        also run N plain reports besides the five samples (default 0)
          --rabbitmq URI     use this RabbitMQ (ConnectionStrings__RabbitMq) instead of the in-memory bus
          --postgres CS      use this PostgreSQL (ConnectionStrings__Postgres) instead of the SQLite file
          --batch-api URL    call this Batch API (BatchApi__BaseUrl) instead of the embedded simulator
          --api-key KEY      the Batch API key (BatchApi__ApiKey); prefer the environment variable for a real key
          --timeout SECONDS  give up after this long (default 90)
          --port N           serve the operator console on http://127.0.0.1:N/ (default: a free port, printed)
          --keep-open        after the summary, keep the service and its console running until Ctrl+C

        Every setting of the service (README, "Settings") works here too, from the environment.
        """;

    /// <param name="console">Where the demo writes; the terminal when null (tests pass their own).</param>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        if (!DemoOptions.TryParse(args, out var options, out var error))
        {
            console.WriteLine(error);
            console.WriteLine(Usage);
            return 2;
        }

        if (options.Help)
        {
            console.WriteLine(Usage);
            return 0;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
        ApplyDemoSettings(builder.Configuration, options);
        // The table is the demo's output: the service's own logs would scroll it away.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
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
