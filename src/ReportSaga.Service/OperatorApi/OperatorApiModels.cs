using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence.Reports;

namespace ReportSaga.Service.OperatorApi;

/// <summary>A page of the report list; pass <see cref="Next"/> as <c>after</c> for the next page (null: last page).</summary>
public sealed record ReportListResponse(IReadOnlyList<ReportSummary> Reports, string? Next);

/// <summary>One report with its history; the download URL without its signature, and a link to its trace when configured.</summary>
public sealed record ReportDetailsResponse(ReportDetails Report, string? TraceUrl);

/// <summary>How many reports are in each state, and how many in all.</summary>
public sealed record ReportCountsResponse(IReadOnlyDictionary<string, long> States, long Total);

/// <summary>The cancellation was sent to the report's saga; it ends the report with <c>ReportFailed</c> reason <c>cancelled</c>.</summary>
public sealed record CancelAcceptedResponse(Guid RequestId, string StateWhenAsked);

/// <summary>The submission gate: reports at the provider, reports waiting for a slot, and since when the oldest waits.</summary>
public sealed record GateResponse(long InFlight, long Waiting, DateTimeOffset? OldestWaitingSince, int MaxInFlight)
{
    public static GateResponse From(SubmissionGateCounts counts, int maxInFlight) =>
        new(counts.InFlight, counts.Waiting, counts.OldestWaitingSince, maxInFlight);
}

/// <summary>An operator request that cannot be carried out as asked.</summary>
public sealed record OperatorError(string Error);
