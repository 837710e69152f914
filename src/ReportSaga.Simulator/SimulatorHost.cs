using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReportSaga.Simulator;

/// <summary>
/// The simulator on Kestrel, in process: for tests, the demo and the service's embedded default.
/// <code>
/// await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });
/// // point BatchApi:BaseUrl at simulator.BaseAddress, key "demo-key"; assert on simulator.State
/// </code>
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatorHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        State = app.Services.GetRequiredService<SimulatorState>();
    }

    /// <summary>Where the simulator listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Call counts, reports and credits, for assertions.</summary>
    public SimulatorState State { get; }

    public SimulatorOptions Options => State.Options;

    /// <summary>Starts Kestrel on <paramref name="url"/> (port 0 picks a free port) and returns once it listens.</summary>
    /// <param name="options">Used as given; changing it afterwards changes the simulator's behaviour where it reads options per request.</param>
    /// <param name="time">Drives report lifecycles and link expiry; a FakeTimeProvider lets tests move time.</param>
    public static async Task<SimulatorHost> StartAsync(
        SimulatorOptions options, TimeProvider? time = null, string url = "http://127.0.0.1:0", CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        builder.Services.AddBatchApiSimulator(options, time);

        var app = builder.Build();
        app.MapBatchApiSimulator();
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        return new SimulatorHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(stopping.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
