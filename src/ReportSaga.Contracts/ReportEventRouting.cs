namespace ReportSaga.Contracts;

/// <summary>
/// How a subscriber receives only the events of its own reports. Beside each event's usual exchange
/// (<c>ReportSaga.Contracts:ReportCompleted</c> and so on, where every report's events go), ReportSaga declares a
/// headers exchange named after it with <see cref="ExchangeSuffix"/> and bound to it; every event carries the
/// request's <c>requestedBy</c> in the header <see cref="RequestedByHeader"/>. Bind a queue to the
/// <c>…by-requester</c> exchanges with the arguments <c>x-match=all</c> and <c>ReportSaga-RequestedBy=&lt;your
/// requestedBy&gt;</c>: any AMQP client can, and subscribers bound the usual MassTransit way see no change.
/// </summary>
public static class ReportEventRouting
{
    /// <summary>The header that carries the request's <c>requestedBy</c> on every event (absent when it named no one).</summary>
    public const string RequestedByHeader = "ReportSaga-RequestedBy";

    /// <summary>Appended to an event's exchange name for its headers exchange: <c>ReportSaga.Contracts:ReportCompleted.by-requester</c>.</summary>
    public const string ExchangeSuffix = ".by-requester";

    /// <summary>The events, by exchange name without the suffix, that are routed by <c>requestedBy</c>.</summary>
    public static IReadOnlyList<string> EventExchanges { get; } =
    [
        "ReportSaga.Contracts:ReportValidated", "ReportSaga.Contracts:ReportSubmitted", "ReportSaga.Contracts:ReportStatusChanged",
        "ReportSaga.Contracts:ReportCompleted", "ReportSaga.Contracts:ReportFailed",
    ];

    /// <summary>The headers exchange of one event type: <c>ByRequesterExchange("ReportCompleted")</c>.</summary>
    public static string ByRequesterExchange(string eventName) => $"ReportSaga.Contracts:{eventName}{ExchangeSuffix}";
}
