using System.Globalization;
using System.Text.RegularExpressions;

namespace ReportSaga.Orchestration.Requests;

/// <summary>
/// <c>RequestReport.deadline</c> read: either a duration counted from the moment the request is accepted, or an
/// absolute time. Two forms because a caller with a budget thinks "within 30 minutes" and one with an appointment
/// thinks "by 18:00"; both end as one absolute time on the report.
/// </summary>
public readonly partial record struct RequestDeadline(TimeSpan? After, DateTimeOffset? At)
{
    /// <summary>
    /// The two forms as text, the pattern the published schema holds: TimeSpan's constant format
    /// (<c>[d.]hh:mm:ss[.fffffff]</c>) or an ISO 8601 time with seconds optional and an offset required.
    /// </summary>
    public const string Pattern =
        @"^(\d{1,8}\.)?([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,7})?$|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?([Zz]|[+-]\d{2}:\d{2})$";

    /// <summary>
    /// A positive duration in TimeSpan's constant format (<c>"01:30:00"</c>, <c>"1.00:00:00"</c>), or an ISO 8601 time
    /// that names its offset (<c>"2026-12-07T18:00:00Z"</c>, <c>"…+01:00"</c>): a time without one would mean different
    /// moments to the caller and the service.
    /// </summary>
    public static bool TryParse(string text, out RequestDeadline deadline)
    {
        deadline = default;
        // The pattern first, so the service takes exactly what the schema promises (TimeSpan alone would also read "1").
        if (text.Length > 64 || !PatternRegex().IsMatch(text))
            return false;
        if (TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var after))
        {
            if (after <= TimeSpan.Zero)
                return false;
            deadline = new RequestDeadline(after, null);
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
            return false;
        deadline = new RequestDeadline(null, at);
        return true;
    }

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PatternRegex();

    /// <summary>The absolute time this deadline means for a request accepted at <paramref name="acceptedAt"/>.</summary>
    public DateTimeOffset Resolve(DateTimeOffset acceptedAt) => At ?? acceptedAt + After!.Value;
}
