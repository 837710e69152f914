using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Messaging;
using ReportSaga.Orchestration.Messaging;

namespace ReportSaga.IntegrationTests.Samples;

/// <summary>The transport message id of each <see cref="RequestReport"/> taken, by request id.</summary>
public sealed class RequestReportMessageIds
{
    private readonly ConcurrentDictionary<Guid, Guid?> _byRequestId = new();

    public void Add(Guid requestId, Guid? messageId) => _byRequestId[requestId] = messageId;

    public Guid? Of(Guid requestId) => _byRequestId.TryGetValue(requestId, out var id) ? id : null;
}

/// <summary>Records each RequestReport, with its content type and message id, as the service's entry consumer would get it.</summary>
public sealed class RecordingRequestReportConsumer(ReceivedMessages<RequestReport> received, RequestReportMessageIds messageIds)
    : IConsumer<RequestReport>
{
    public Task Consume(ConsumeContext<RequestReport> context)
    {
        messageIds.Add(context.Message.RequestId, context.MessageId);
        received.Add(context);
        return Task.CompletedTask;
    }
}

/// <summary>A bus with ReportSaga's entry endpoint (<see cref="RequestReportEndpoint"/>), configured as the service configures it.</summary>
internal static class EntryEndpoint
{
    /// <summary>
    /// Starts it on <paramref name="rabbitMqUri"/>. One message at a time, so a message published after another
    /// is consumed after it: a sentinel published last proves everything before it was consumed.
    /// </summary>
    public static Task<RunningBus> StartAsync(Uri rabbitMqUri) =>
        RunningBus.StartAsync(rabbitMqUri,
            (services, x) =>
            {
                services.AddSingleton<ReceivedMessages<RequestReport>>();
                services.AddSingleton<RequestReportMessageIds>();
                x.AddConsumer<RecordingRequestReportConsumer>();
            },
            (context, bus) => bus.ReceiveEndpoint(RequestReportEndpoint.Name, e =>
            {
                e.ConfigureRequestReportEntry();
                e.PrefetchCount = 1;
                e.ConcurrentMessageLimit = 1;
                e.ConfigureConsumer<RecordingRequestReportConsumer>(context);
            }));

    /// <summary>Publishes an enveloped RequestReport behind whatever came before, and waits until it is consumed.</summary>
    public static async Task<IReadOnlyList<Received<RequestReport>>> DrainAsync(RunningBus bus)
    {
        var sentinel = new RequestReport { RequestId = Guid.NewGuid(), Report = System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone() };
        await bus.Bus.Publish(sentinel);
        var received = await bus.Get<ReceivedMessages<RequestReport>>()
            .WaitUntilAsync(r => r.Any(m => m.Message.RequestId == sentinel.RequestId), "the sentinel's delivery");
        return [.. received.Where(m => m.Message.RequestId != sentinel.RequestId)];
    }
}
