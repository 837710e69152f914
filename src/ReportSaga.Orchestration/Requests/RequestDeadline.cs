using System.Globalization;

namespace ReportSaga.Orchestration.Requests;

/// <summary>
/// <c>RequestReport.deadline</c> read: either a duration counted from the moment the request is accepted, or an
/// absolute time. Two forms because a caller with a budget thinks "within 30 minutes" and one with an appointment
/// thinks "by 18:00"; both end as one absolute time on the report.
/// </summary>
public readonly record struct RequestDeadline(TimeSpan? After, DateTimeOffset? At)
{
    /// <summary>
    /// A positive duration in TimeSpan's constant format (<c>"01:30:00"</c>, <c>"1.00:00:00"</c>), or an ISO 8601 time
    /// that names its offset (<c>"2026-12-07T18:00:00Z"</c>, <c>"…+01:00"</c>): a time without one would mean different
    /// moments to the caller and the service.
    /// </summary>
    public static bool TryParse(string text, out RequestDeadline deadline)
    {
        deadline = default;
        if (TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var after))
        {
            if (after <= TimeSpan.Zero)
                return false;
            deadline = new RequestDeadline(after, null);
            return true;
        }

        if (text.Length >= 20 && (text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            && text.Contains('T', StringComparison.OrdinalIgnoreCase))
        {
            deadline = new RequestDeadline(null, at);
            return true;
        }

        return false;
    }

    /// <summary>The absolute time this deadline means for a request accepted at <paramref name="acceptedAt"/>.</summary>
    public DateTimeOffset Resolve(DateTimeOffset acceptedAt) => At ?? acceptedAt + After!.Value;
}
