using System.Net;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence.Storage;
using ReportSaga.UnitTests.BatchApi;

namespace ReportSaga.UnitTests.Service;

/// <summary>
/// The service as <c>Program</c> builds it (embedded bus, simulator and a SQLite file of its own), with settings of
/// the test's choosing, every log line captured, and each request's remote address taken from the test: the in-process
/// test server gives none, and the operator API treats loopback callers differently.
/// </summary>
public class ServiceUnderTest : IAsyncDisposable, IAsyncLifetime
{
    /// <summary>The header the test sets to choose a request's remote address.</summary>
    public const string RemoteAddressHeader = "X-Test-Remote-Address";

    private readonly string _storage = Path.Combine(Path.GetTempPath(), $"reportsaga-http-{Guid.NewGuid():N}.db");

    /// <summary>No settings of the test's own: the service as a developer's <c>dotnet run</c> starts it.</summary>
    public ServiceUnderTest()
        : this(null)
    {
    }

    /// <param name="configureServices">Services the test replaces or adds, after the service's own.</param>
    internal ServiceUnderTest(IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? configureServices = null)
    {
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Storage:SqlitePath", _storage);
            web.UseSetting("Simulator:ProcessingTime", "00:00:01");
            web.UseSetting("Polling:InitialInterval", "00:00:00.500");
            web.UseSetting("Polling:MaxInterval", "00:00:01");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
                web.UseSetting(key, value);
            web.ConfigureServices(services =>
            {
                services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
                services.AddSingleton<ILoggerProvider>(Logs);
                services.AddSingleton<IStartupFilter, RemoteAddressFromHeader>();
            });
            if (configureServices is not null)
                web.ConfigureServices(configureServices);
        });
    }

    public WebApplicationFactory<Program> Factory { get; }

    internal CapturingLoggerProvider Logs { get; } = new();

    public string StoragePath => _storage;

    public IServiceProvider Services => Factory.Services;

    /// <summary>A client whose requests come from <paramref name="remoteAddress"/> (none when null).</summary>
    public HttpClient Client(string? remoteAddress = "203.0.113.7")
    {
        var client = Factory.CreateClient();
        if (remoteAddress is not null)
            client.DefaultRequestHeaders.Add(RemoteAddressHeader, remoteAddress);
        return client;
    }

    /// <summary>Writes a saga row as the saga would have left it, so a read has something to find.</summary>
    public async Task<ReportState> AddReportAsync(string state = "Waiting", string? downloadUrl = null)
    {
        var report = new ReportState
        {
            CorrelationId = NewId.NextGuid(),
            CurrentState = state,
            ReportId = "r-" + Guid.NewGuid().ToString("N")[..8],
            ProviderStatus = "processing",
            EstimatedCredits = 12,
            DownloadUrl = downloadUrl,
            RetryAttempts = 1,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = Services.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
        db.Reports.Add(report);
        await db.SaveChangesAsync();
        return report;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_storage) + "*"))
            File.Delete(file);
    }

    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(RemoteAddressHeader, out var value))
                    context.Connection.RemoteIpAddress = IPAddress.Parse(value.ToString());
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
