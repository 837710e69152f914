using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Messaging;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// The request entry and the Batch API consumers keep no inbox of their own: a message consumed again (redelivered
/// after a crash between the answer's send and the broker's acknowledgement) is answered again. The answer carries an
/// id derived from the consumed message's, so the saga's inbox takes it once; another message gets another id.
/// </summary>
public sealed class When_a_command_is_consumed_again : ReportSagaTest
{
    [Fact]
    public async Task A_repeated_validate_command_is_answered_with_the_same_message_id()
    {
        var sent = new SentIds();
        using var watching = Harness.Bus.Bus.ConnectSendObserver(sent);
        var requestId = NewId.NextGuid();
        var repeated = NewId.NextGuid();
        var validate = await Harness.Bus.Bus.GetSendEndpoint(ReportSagaQueues.ValidateAddress);
        foreach (var messageId in new[] { repeated, repeated, NewId.NextGuid() })
        {
            await validate.Send(new ValidateReport { RequestId = requestId, StepToken = NewId.NextGuid(), Report = ReportBodies.Monthly("asked again") },
                send => send.MessageId = messageId);
        }
        await Harness.SettleAsync();

        var ids = sent.Of<ReportEstimated>(m => m.RequestId == requestId);
        // The repeated command's two answers share one id; the other command's answer has its own.
        Assert.Equal([1, 2], ids.GroupBy(id => id).Select(answers => answers.Count()).Order());
        Assert.DoesNotContain((Guid?)repeated, ids);
    }

    [Fact]
    public async Task A_repeated_request_is_handed_to_the_saga_with_the_same_message_id_and_runs_once()
    {
        var sent = new SentIds();
        using var watching = Harness.Bus.Bus.ConnectSendObserver(sent);
        var requestId = NewId.NextGuid();
        var messageId = NewId.NextGuid();
        for (var i = 0; i < 2; i++)
        {
            await Harness.Bus.Bus.Publish(new RequestReport
            {
                RequestId = requestId,
                RequestedBy = "tests",
                Report = ReportBodies.Monthly("requested again"),
            }, publish => publish.MessageId = messageId);
        }

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        var handedOver = sent.Of<ReportRequestAccepted>(m => m.RequestId == requestId);
        Assert.Equal(2, handedOver.Count);
        Assert.Equal(handedOver[0], handedOver[1]);
        Assert.Single(Harness.Published<ReportValidated>(requestId, m => m.RequestId));
        Assert.Single(Harness.TerminalEvents(requestId));
    }

    /// <summary>Every send's message id (the harness's own lists keep one entry per id, which would hide a repeat).</summary>
    private sealed class SentIds : ISendObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(object Message, Guid? Id)> _sent = new();

        public List<Guid?> Of<T>(Func<T, bool> match)
            where T : class => [.. _sent.Where(x => x.Message is T message && match(message)).Select(x => x.Id)];

        public Task PreSend<T>(SendContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostSend<T>(SendContext<T> context)
            where T : class
        {
            _sent.Enqueue((context.Message, context.MessageId));
            return Task.CompletedTask;
        }

        public Task SendFault<T>(SendContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}
