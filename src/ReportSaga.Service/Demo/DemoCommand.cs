using System.Diagnostics;
using MassTransit;
using ReportSaga.Service.Hosting;
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
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        ApplyDemoSettings(builder.Configuration, options);
        // The table is the demo's output: the service's own logs would scroll it away.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
        builder.Services.AddSingleton<DemoBoard>();

        var parts = await ReportSagaHost.ConfigureAsync(builder, bus => bus.AddConsumer<DemoObserver>());
        await using var app = builder.Build();
        console.MarkupLineInterpolated($"[bold]ReportSaga demo[/]: {parts.Describe()}");

        await app.StartAsync();
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
        await app.StopAsync();
        return allEnded && DemoRunner.EndedAsExpected(board) ? 0 : 1;
    }

    /// <summary>The demo's flags become the service's settings; short waits make the paths visible in seconds.</summary>
    public static void ApplyDemoSettings(ConfigurationManager configuration, DemoOptions options)
    {
        SetDefault(configuration, "Polling:InitialInterval", "00:00:01");
        SetDefault(configuration, "Polling:MaxInterval", "00:00:03");
        SetDefault(configuration, "Reports:RetryDelay", "00:00:01");
        SetDefault(configuration, "Simulator:ProcessingTime", "00:00:03");
        // The demo's reports are throwaway: keep them out of the working tree unless a path is given.
        SetDefault(configuration, "Storage:SqlitePath", Path.Combine(Path.GetTempPath(), "reportsaga-demo.db"));
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
