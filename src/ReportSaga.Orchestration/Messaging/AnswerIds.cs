using MassTransit;
using UUIDNext;

namespace ReportSaga.Orchestration.Messaging;

/// <summary>
/// The message id of a consumer's answer to the saga, derived from the id of the message it consumed (a name-based
/// UUID, version 5). The consumers that answer the saga store nothing of their own and send their answer when they
/// finish (<see cref="ReportSagaQueues.AnswersOnly"/>): a consume repeated after a crash between that send and the
/// broker's acknowledgement sends an answer with the same id, which the saga's inbox takes once.
/// </summary>
public static class AnswerIds
{
    /// <summary>The namespace of the derived ids (fixed: changing it would let a repeat through during an upgrade).</summary>
    private static readonly Guid Namespace = new("5d2e4c6a-8f1b-4b7e-9a3c-2f0d6e8b1a47");

    /// <summary>The answer's id, or null when the consumed message carried none (MassTransit then assigns a new one).</summary>
    public static Guid? For(ConsumeContext consumed) =>
        consumed.MessageId is { } id ? Uuid.NewNameBased(Namespace, id.ToString("N")) : null;

    /// <summary>Sends <paramref name="answer"/> to the saga's own queue with the id derived from the consumed message.</summary>
    public static async Task SendToSagaAsync<T>(ConsumeContext consumed, T answer)
        where T : class
    {
        var saga = await consumed.GetSendEndpoint(ReportSagaQueues.SagaAddress);
        var id = For(consumed);
        await saga.Send(answer, send =>
        {
            if (id is { } derived)
                send.MessageId = derived;
        }, consumed.CancellationToken);
    }
}
