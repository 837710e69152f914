using System.Diagnostics.Metrics;

namespace ReportSaga.Orchestration.Telemetry;

/// <summary>
/// The submission gate's sharing instruments, on the "ReportSaga" meter: reports held for the account's credits, the
/// account's remaining credits as last read, and per requester the slots held, the reports waiting and today's spend.
/// Kept apart from <see cref="ReportSagaTelemetry"/> so each file says one thing.
/// </summary>
public static class FairShareTelemetry
{
    /// <summary>Counter: reports that had to wait because the account's credits did not cover them (once per report).</summary>
    public const string HeldForCreditsName = ReportSagaMetricNames.SubmissionHeldForCredits;

    /// <summary>Observable gauge: the account's remaining credits as last read from the provider (the guard's cache).</summary>
    public const string AccountCreditsName = ReportSagaMetricNames.AccountCreditsRemaining;

    /// <summary>Observable gauge, tagged <c>requester</c>: submission slots the requester holds.</summary>
    public const string RequesterInFlightName = ReportSagaMetricNames.RequesterInFlight;

    /// <summary>Observable gauge, tagged <c>requester</c>: the requester's reports waiting for a slot.</summary>
    public const string RequesterWaitingName = ReportSagaMetricNames.RequesterWaiting;

    /// <summary>Observable gauge, tagged <c>requester</c>: credits charged to the requester today (UTC).</summary>
    public const string RequesterSpentTodayName = ReportSagaMetricNames.RequesterCreditsSpentToday;

    /// <summary>The tag naming the requester (its <c>requestedBy</c>; "" for requests without one).</summary>
    public const string RequesterTag = "requester";

    private static readonly Counter<long> HeldForCredits = ReportSagaTelemetry.Meter.CreateCounter<long>(
        HeldForCreditsName, "{report}", "Reports held at the submission gate because the account's credits did not cover them.");

    private static readonly CallbackSlot<long?> AccountCreditsSource = new();
    private static readonly CallbackSlot<IReadOnlyList<RequesterUsage>> RequestersSource = new();

    public static readonly ObservableGauge<long> AccountCredits = ReportSagaTelemetry.Meter.CreateObservableGauge(
        AccountCreditsName, () => AccountCreditsSource.Read(credits => credits is { } c ? [new Measurement<long>(c)] : []),
        "{credit}", "The account's remaining credits as last read from the provider.");

    public static readonly ObservableGauge<long> RequesterInFlight = ReportSagaTelemetry.Meter.CreateObservableGauge(
        RequesterInFlightName, () => RequestersSource.Read(list => list.Select(x => Tagged(x.InFlight, x))), "{report}", "Submission slots held, by requester.");

    public static readonly ObservableGauge<long> RequesterWaiting = ReportSagaTelemetry.Meter.CreateObservableGauge(
        RequesterWaitingName, () => RequestersSource.Read(list => list.Select(x => Tagged(x.Waiting, x))), "{report}", "Reports waiting for a submission slot, by requester.");

    public static readonly ObservableGauge<long> RequesterSpentToday = ReportSagaTelemetry.Meter.CreateObservableGauge(
        RequesterSpentTodayName, () => RequestersSource.Read(list => list.Select(x => Tagged(x.SpentToday, x))), "{credit}", "Credits charged today (UTC), by requester.");

    public static void RecordHeldForCredits() => HeldForCredits.Add(1);

    /// <summary>Registers what <see cref="AccountCredits"/> reports (a cached value; null reports nothing).</summary>
    public static IDisposable ObserveAccountCredits(Func<long?> credits) => AccountCreditsSource.Set(credits);

    /// <summary>Registers the cached per-requester usage the three requester gauges report.</summary>
    public static IDisposable ObserveRequesters(Func<IReadOnlyList<RequesterUsage>> usage) => RequestersSource.Set(usage);

    private static Measurement<long> Tagged(long value, RequesterUsage usage) =>
        new(value, new KeyValuePair<string, object?>(RequesterTag, usage.RequestedBy));
}

/// <summary>One requester at the gate: slots held, reports waiting, credits charged today and its daily budget (null: none).</summary>
public sealed record RequesterUsage(string RequestedBy, long InFlight, long Waiting, long SpentToday, long? DailyBudget);
