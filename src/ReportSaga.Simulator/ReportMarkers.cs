using System.Globalization;
using System.Text.RegularExpressions;

namespace ReportSaga.Simulator;

/// <summary>
/// Behaviour requested through markers in <c>report_name</c>, e.g. <c>"daily [sim:internal_error=2] [sim:time=10s]"</c>.
/// The syntax is documented in docs/simulator.md; saga tests and the demo depend on it.
/// </summary>
internal sealed partial record ReportMarkers
{
    public static readonly ReportMarkers None = new();

    /// <summary>How many times the report ends in internal_error before it completes (each needs a retry call).</summary>
    public int InternalErrors { get; init; }

    public bool BadRequest { get; init; }

    /// <summary>Pass through status <c>retry</c> once before processing.</summary>
    public bool PassThroughRetry { get; init; }

    public FaultMarker? Submit { get; init; }
    public FaultMarker? Validate { get; init; }
    public FaultMarker? Status { get; init; }
    public FaultMarker? RetryCall { get; init; }
    public TimeSpan? ProcessingTime { get; init; }
    public long? Quota { get; init; }
    public long? Credits { get; init; }

    /// <summary>Reads the markers of a report name; errors name each marker that cannot be understood.</summary>
    public static ReportMarkers Parse(string? reportName, out List<string> errors)
    {
        errors = [];
        if (string.IsNullOrEmpty(reportName) || !reportName.Contains("[sim:", StringComparison.OrdinalIgnoreCase))
        {
            return None;
        }

        var markers = new ReportMarkers();
        foreach (Match match in MarkerPattern().Matches(reportName))
        {
            var key = match.Groups["key"].Value.ToLowerInvariant();
            var value = match.Groups["value"].Success ? match.Groups["value"].Value.Trim() : null;
            var parsed = key switch
            {
                "internal_error" when value is null => markers with { InternalErrors = 1 },
                "internal_error" when TryInt(value, out var n) => markers with { InternalErrors = n },
                "bad_request" when value is null => markers with { BadRequest = true },
                "retry" when value is null => markers with { PassThroughRetry = true },
                "submit" when TryFault(value, SubmitCodes, out var f) => markers with { Submit = f },
                "validate" when TryFault(value, ValidateCodes, out var f) => markers with { Validate = f },
                "status" when TryFault(value, StatusCodes, out var f) => markers with { Status = f },
                "retrycall" when TryFault(value, StatusCodes, out var f) => markers with { RetryCall = f },
                "time" when TryDuration(value, out var t) => markers with { ProcessingTime = t },
                "quota" when TryLong(value, out var q) => markers with { Quota = q },
                "credits" when TryLong(value, out var c) => markers with { Credits = c },
                _ => null,
            };

            if (parsed is null)
            {
                errors.Add($"report_name: the simulator marker {match.Value} is not understood (see docs/simulator.md).");
            }
            else
            {
                markers = parsed;
            }
        }

        return markers;
    }

    private static readonly string[] SubmitCodes = [FaultMarker.Timeout, FaultMarker.Reset];
    private static readonly string[] ValidateCodes = [FaultMarker.Timeout, FaultMarker.Reset, FaultMarker.Invalid];
    private static readonly string[] StatusCodes = [FaultMarker.Timeout, FaultMarker.Reset];

    private static bool TryFault(string? value, string[] words, out FaultMarker? fault)
    {
        fault = null;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var parts = value.Split('*', 2, StringSplitOptions.TrimEntries);
        var code = parts[0].ToLowerInvariant();
        var isHttpCode = int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 400 and <= 599;
        if (!isHttpCode && !words.Contains(code))
        {
            return false;
        }

        int? times = null;
        if (parts.Length == 2)
        {
            if (!TryInt(parts[1], out var n))
            {
                return false;
            }

            times = n;
        }

        fault = new FaultMarker(code, times);
        return true;
    }

    private static bool TryInt(string? value, out int count)
    {
        var ok = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count);
        return ok && count >= 0;
    }

    private static bool TryLong(string? value, out long count)
    {
        var ok = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count);
        return ok && count >= 0;
    }

    /// <summary>"500ms", "10s", "2m", "1h", or a TimeSpan ("00:00:10").</summary>
    private static bool TryDuration(string? value, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var match = DurationPattern().Match(value);
        if (match.Success)
        {
            var amount = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            duration = match.Groups["unit"].Value.ToLowerInvariant() switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromHours(amount),
            };
            return true;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }

    [GeneratedRegex(@"\[sim:(?<key>[A-Za-z_]+)(?:=(?<value>[^\]]*))?\]", RegexOptions.IgnoreCase)]
    private static partial Regex MarkerPattern();

    [GeneratedRegex(@"^(?<n>\d+(?:\.\d+)?)\s*(?<unit>ms|s|m|h)$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();
}
