using System.Diagnostics.Metrics;

namespace ReportSaga.Orchestration.Telemetry;

/// <summary>
/// The submission gate's sharing instruments, on the "ReportSaga" meter: reports held for the account's credits, the
/// account's remaining credits as last read, and per requester the reports in flight and waiting and today's spend.
/// Kept apart from <see cref="ReportSagaTelemetry"/> so each file says one thing. The requester tag is not a closed set
/// (it is the publishers' <c>requestedBy</c>), so only the busiest requesters are reported (the host caps the list).
/// </summary>
public static class FairShareTelemetry
{
    /// <summary>The tag naming the requester (its <c>requestedBy</c>; "" for requests without one).</summary>
    public const string RequesterTag = "reportsaga.requester";

    private static readonly Counter<long> Held = ReportSagaTelemetry.Meter.CreateCounter<long>(
        ReportSagaMetricNames.SubmissionGateHeld, "{report}", "Reports held at the submission gate because the account's credits did not cover them.");

    private static readonly CallbackSlot<long?> AccountCreditsSource = new();
    private static readonly CallbackSlot<IReadOnlyList<RequesterUsage>> RequestersSource = new();

    public static readonly ObservableGauge<long> CreditRemaining = ReportSagaTelemetry.Meter.CreateObservableGauge(
        ReportSagaMetricNames.CreditRemaining, () => AccountCreditsSource.Read(credits => credits is { } c ? [new Measurement<long>(c)] : []),
        "{credit}", "The account's remaining credits as last read from the provider.");

    public static readonly ObservableUpDownCounter<long> RequesterReportCount = ReportSagaTelemetry.Meter.CreateObservableUpDownCounter(
        ReportSagaMetricNames.RequesterReportCount,
        () => RequestersSource.Read(list => list.SelectMany(x => new[]
        {
            new Measurement<long>(x.InFlight, Requester(x), new KeyValuePair<string, object?>(ReportSagaTags.GateState, SubmissionGateStates.InFlight)),
            new Measurement<long>(x.Waiting, Requester(x), new KeyValuePair<string, object?>(ReportSagaTags.GateState, SubmissionGateStates.Waiting)),
        })),
        "{report}", "Reports at the submission gate, by requester, in flight or waiting.");

    public static readonly ObservableGauge<long> RequesterCreditSpent = ReportSagaTelemetry.Meter.CreateObservableGauge(
        ReportSagaMetricNames.RequesterCreditSpent, () => RequestersSource.Read(list => list.Select(x => new Measurement<long>(x.SpentToday, Requester(x)))),
        "{credit}", "Credits charged today (UTC), by requester.");

    public static void RecordHeldForCredits() => Held.Add(1);

    /// <summary>Registers what <see cref="CreditRemaining"/> reports (a cached value; null reports nothing).</summary>
    public static IDisposable ObserveAccountCredits(Func<long?> credits) => AccountCreditsSource.Set(credits);

    /// <summary>Registers the cached per-requester usage the requester instruments report.</summary>
    public static IDisposable ObserveRequesters(Func<IReadOnlyList<RequesterUsage>> usage) => RequestersSource.Set(usage);

    private static KeyValuePair<string, object?> Requester(RequesterUsage usage) => new(RequesterTag, usage.RequestedBy);
}

/// <summary>One requester at the gate: slots held, reports waiting, credits charged today and its daily budget (null: none).</summary>
public sealed record RequesterUsage(string RequestedBy, long InFlight, long Waiting, long SpentToday, long? DailyBudget);
