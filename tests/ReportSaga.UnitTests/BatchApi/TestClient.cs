using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportSaga.BatchApi;

namespace ReportSaga.UnitTests.BatchApi;

/// <summary>
/// The real client, built through its DI extension, with tiny retry delays. The attempt timeout is short but
/// generous enough for a loaded 2-core machine; tests about timeouts set a much shorter one themselves.
/// </summary>
internal sealed class TestClient : IDisposable
{
    public const string DemoKey = "demo-key";

    private readonly ServiceProvider _services;

    private TestClient(ServiceProvider services)
    {
        _services = services;
        Api = services.GetRequiredService<IBatchApiClient>();
    }

    public IBatchApiClient Api { get; }

    public static TestClient For(
        Uri baseAddress,
        Action<BatchApiOptions>? configure = null,
        TimeProvider? time = null,
        ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddBatchApiClient(options =>
        {
            options.BaseUrl = baseAddress;
            options.ApiKey = DemoKey;
            options.AttemptTimeout = TimeSpan.FromSeconds(5);
            options.MaxRetryAttempts = 2;
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            options.RetryMaxDelay = TimeSpan.FromMilliseconds(50);
            configure?.Invoke(options);
        });
        return new TestClient(services.BuildServiceProvider(validateScopes: true));
    }

    public void Dispose() => _services.Dispose();
}
