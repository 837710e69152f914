using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReportSaga.Simulator;

/// <summary>
/// The provider's checks of a report body (request-validate and request-report share them), with its wording
/// where the public docs show it, and the credit estimate.
/// </summary>
internal static class ReportBodyValidator
{
    private static readonly string[] Granularities = ["daily", "weekly", "monthly"];
    private static readonly string[] ResponseFormats = ["csv", "json", "parquet"];

    public static ValidatedReport Validate(JsonElement body, DateTimeOffset now)
    {
        var errors = new List<string>();
        var warnings = new List<JsonObject>();
        string? reportName = null;
        if (body.TryGetProperty("report_name", out var name))
        {
            if (name.ValueKind == JsonValueKind.String)
            {
                reportName = name.GetString();
            }
            else if (name.ValueKind != JsonValueKind.Null)
            {
                errors.Add("report_name should be a string.");
            }
        }

        var markers = ReportMarkers.Parse(reportName, out var markerErrors);
        errors.AddRange(markerErrors);

        CheckDelivery(body, errors);

        long dataPoints = 0;
        var preview = ReportPreview.Empty;
        if (!body.TryGetProperty("report_query", out var query) || query.ValueKind != JsonValueKind.Object ||
            !query.TryGetProperty("tables", out var tables) || tables.ValueKind != JsonValueKind.Array || tables.GetArrayLength() == 0)
        {
            errors.Add("report_query.tables should contain at least one table.");
        }
        else
        {
            var index = 0;
            var count = tables.GetArrayLength();
            foreach (var table in tables.EnumerateArray())
            {
                var prefix = count > 1 ? $"tables[{index}]: " : "";
                var points = CheckTable(table, prefix, now, errors, warnings, out var tablePreview);
                dataPoints += points;
                if (index == 0)
                {
                    preview = tablePreview;
                }

                index++;
            }
        }

        return new ValidatedReport
        {
            ReportName = reportName,
            Markers = markers,
            Errors = errors,
            Warnings = warnings,
            DataPoints = Math.Max(1, dataPoints),
            Preview = preview,
        };
    }

    private static void CheckDelivery(JsonElement body, List<string> errors)
    {
        if (!body.TryGetProperty("delivery_information", out var delivery) || delivery.ValueKind == JsonValueKind.Null)
        {
            return; // optional: download_link and csv by default
        }

        if (delivery.ValueKind != JsonValueKind.Object)
        {
            errors.Add("delivery_information should be an object.");
            return;
        }

        if (delivery.TryGetProperty("response_format", out var format) &&
            (format.ValueKind != JsonValueKind.String || !ResponseFormats.Contains(format.GetString())))
        {
            errors.Add("response_format should be one of the following - csv, json, parquet.");
        }
    }

    private static long CheckTable(
        JsonElement table, string prefix, DateTimeOffset now, List<string> errors, List<JsonObject> warnings, out ReportPreview preview)
    {
        preview = ReportPreview.Empty;
        if (table.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{prefix}each table should be an object.");
            return 0;
        }

        var vtable = StringOf(table, "vtable");
        if (vtable is null)
        {
            errors.Add($"{prefix}vtable is required.");
        }
        else if (!KnownVtables.Names.Contains(vtable))
        {
            errors.Add($"{prefix}vtable '{vtable}' is unknown. Known tables: {string.Join(", ", KnownVtables.Names)}.");
        }

        var granularity = StringOf(table, "granularity");
        if (granularity is null || !Granularities.Contains(granularity))
        {
            errors.Add($"{prefix}granularity should be one of the following - daily, weekly, monthly.");
            granularity = null;
        }

        var filters = table.TryGetProperty("filters", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        var domains = StringsOf(filters, "domains", prefix, errors);
        var segments = StringsOf(filters, "segment_ids", prefix, errors);
        if (domains.Count == 0 && segments.Count == 0)
        {
            errors.Add($"{prefix}filters.domains (or filters.segment_ids) should contain at least one entry.");
        }

        var countries = StringsOf(filters, "countries", prefix, errors);
        if (countries.Count == 0)
        {
            errors.Add($"{prefix}filters.countries should contain at least one country code.");
        }

        foreach (var country in countries.Where(c => !CountryCodes.IsValid(c)).Distinct())
        {
            errors.Add($"{prefix}country '{country}' is not available: use an ISO 3166 alpha-2 code or WW.");
        }

        var metrics = StringsOf(table, "metrics", prefix, errors);
        if (metrics.Count == 0)
        {
            errors.Add($"{prefix}metrics should contain at least one metric.");
        }

        var periods = granularity is null ? 1 : CheckDates(table, granularity, prefix, now, errors, warnings);
        var subjects = domains.Count > 0 ? domains : segments;
        preview = new ReportPreview(
            subjects.Take(3).ToArray(),
            countries.Take(2).Select(c => c.ToUpperInvariant()).ToArray(),
            metrics.Take(2).ToArray(),
            granularity ?? "monthly",
            StringOf(table, "start_date") ?? "");
        return (long)subjects.Count * metrics.Count * periods * countries.Count;
    }

    /// <summary>Checks start_date, end_date and latest; returns the number of periods the range covers.</summary>
    private static long CheckDates(
        JsonElement table, string granularity, string prefix, DateTimeOffset now, List<string> errors, List<JsonObject> warnings)
    {
        var monthly = granularity == "monthly";
        var format = monthly ? "yyyy-MM" : "yyyy-MM-dd";
        var shown = monthly ? "YYYY-MM" : "YYYY-MM-DD";
        var latest = table.TryGetProperty("latest", out var l) && l.ValueKind == JsonValueKind.True;

        var startText = StringOf(table, "start_date");
        DateOnly? start = null;
        if (startText is null)
        {
            errors.Add($"{prefix}start_date is required.");
        }
        else if (!TryDate(startText, format, out var s))
        {
            errors.Add($"{prefix}start_date should be in the format {shown} for {granularity} granularity.");
        }
        else
        {
            start = s;
        }

        var endText = StringOf(table, "end_date");
        DateOnly? end = null;
        if (latest)
        {
            if (endText is not null)
            {
                warnings.Add(Warning("end_date_ignored", $"{prefix}latest is true, so end_date {endText} is ignored."));
            }

            end = DateOnly.FromDateTime(now.UtcDateTime);
        }
        else if (endText is null)
        {
            errors.Add($"{prefix}end_date is required unless latest is true.");
        }
        else if (!TryDate(endText, format, out var e))
        {
            errors.Add($"{prefix}end_date should be in the format {shown} for {granularity} granularity.");
        }
        else
        {
            end = e;
            if (e > DateOnly.FromDateTime(now.UtcDateTime))
            {
                warnings.Add(Warning("future_dates", $"{prefix}end_date {endText} is after the latest available data; those periods will be empty."));
            }
        }

        if (start is not { } from || end is not { } to)
        {
            return 1;
        }

        if (!latest && from > to)
        {
            errors.Add($"{prefix}start_date should be before end_date.");
            return 1;
        }

        if (latest)
        {
            return 1;
        }

        return granularity switch
        {
            "monthly" => (to.Year - from.Year) * 12 + to.Month - from.Month + 1,
            "weekly" => (to.DayNumber - from.DayNumber) / 7 + 1,
            _ => to.DayNumber - from.DayNumber + 1,
        };
    }

    private static JsonObject Warning(string code, string message) => new() { ["code"] = code, ["message"] = message };

    private static bool TryDate(string text, string format, out DateOnly date) =>
        DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static string? StringOf(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static List<string> StringsOf(JsonElement obj, string name, string prefix, List<string> errors)
    {
        var values = new List<string>();
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return values;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{prefix}{name} should be an array.");
            return values;
        }

        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString()))
            {
                values.Add(item.GetString()!);
            }
            else if (item.ValueKind == JsonValueKind.Number)
            {
                values.Add(item.GetRawText()); // segment ids may be numbers
            }
            else
            {
                errors.Add($"{prefix}{name} should contain only non-empty strings.");
                break;
            }
        }

        return values;
    }
}
