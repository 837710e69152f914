// A sample of another service starting a ReportSaga report. See samples/README.md.
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReportSaga.Contracts;
using ReportSaga.Samples.Publisher;

const string DefaultRabbitMq = "amqp://guest:guest@localhost:5672/";

PublisherOptions options;
JsonElement report;
try
{
    options = PublisherOptions.Parse(args);
    if (options.Help)
    {
        Console.WriteLine(PublisherOptions.Usage);
        return 0;
    }

    report = options.ReportFile is null ? ExampleReport.Parse() : ReadReport(options.ReportFile);
}
catch (Exception exception) when (exception is ArgumentException or IOException or JsonException)
{
    await Console.Error.WriteLineAsync($"publisher: {exception.Message}\n\n{PublisherOptions.Usage}");
    return 64;
}

var builder = Host.CreateApplicationBuilder();
// The console is this program's output; MassTransit's own chatter only when something is wrong.
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var rabbitMq = new Uri(builder.Configuration.GetConnectionString("RabbitMq") ?? DefaultRabbitMq);
builder.Services.AddMassTransit(x =>
{
    // MassTransit 8.4+ reports usage to its vendor by default; a sample should phone nobody.
    x.DisableUsageTelemetry();
    x.UsingRabbitMq((_, bus) => bus.Host(rabbitMq));
});

using var host = builder.Build();
using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};

// The address without its user info: the password never reaches the console.
Console.WriteLine($"broker: {new UriBuilder(rabbitMq) { UserName = "", Password = "" }.Uri}");
await host.StartAsync(stopping.Token);
try
{
    var bus = host.Services.GetRequiredService<IBus>();
    using var context = options.Context is null ? null : JsonDocument.Parse(options.Context);
    var request = SamplePublisher.CreateRequest(report, options.MaxCredits, options.RequestedBy, context?.RootElement.Clone(), options.Deadline);

    // Bound before publishing, so even a report that ends at once (say, refused at validation) is seen.
    await using var waiter = options.Wait ? await ReportOutcomeWaiter.StartAsync(bus, request.RequestId, stopping.Token) : null;

    try
    {
        await SamplePublisher.PublishAsync(bus, request, stopping.Token);
    }
    catch (MessageReturnedException)
    {
        await Console.Error.WriteLineAsync(
            "publisher: no queue is bound to the ReportSaga.Contracts:RequestReport exchange; start ReportSaga against this broker first.");
        return 3;
    }

    Console.WriteLine($"published RequestReport requestId={request.RequestId} maxCredits={request.MaxCredits} requestedBy={request.RequestedBy}");
    if (waiter is null)
        return 0;

    Console.WriteLine($"waiting up to {options.Timeout} for ReportCompleted or ReportFailed ...");
    ReportOutcome outcome;
    try
    {
        outcome = await waiter.WaitAsync(options.Timeout, stopping.Token);
    }
    catch (TimeoutException)
    {
        await Console.Error.WriteLineAsync($"publisher: no ReportCompleted or ReportFailed for {request.RequestId} within {options.Timeout}.");
        return 2;
    }

    Print(outcome, options.ShowSignedUrl);
    return outcome.Succeeded ? 0 : 1;
}
finally
{
    await host.StopAsync(CancellationToken.None);
}

static JsonElement ReadReport(string path)
{
    using var document = JsonDocument.Parse(File.ReadAllText(path));
    return document.RootElement.Clone();
}

static void Print(ReportOutcome outcome, bool showSignedUrl)
{
    if (outcome.Completed is { } completed)
    {
        var url = completed.DownloadUrl is null ? "(none)"
            : showSignedUrl ? completed.DownloadUrl
            : DownloadUrls.WithoutQuery(completed.DownloadUrl) + " (signature hidden; --show-signed-url prints it)";
        Console.WriteLine($"ReportCompleted requestId={completed.RequestId} reportId={completed.ReportId}");
        Console.WriteLine($"  downloadUrl={url}");
        Console.WriteLine($"  dataPointsCount={completed.DataPointsCount} usedQuota={completed.UsedQuota} " +
                          $"completedAt={completed.CompletedAt:O} downloadUrlExpiresAt={completed.DownloadUrlExpiresAt:O}");
    }
    else if (outcome.Failed is { } failed)
    {
        Console.WriteLine($"ReportFailed requestId={failed.RequestId} reportId={failed.ReportId ?? "(not submitted)"} reason={failed.Reason}");
        foreach (var error in failed.Errors)
            Console.WriteLine($"  error: {error}");
    }
}
