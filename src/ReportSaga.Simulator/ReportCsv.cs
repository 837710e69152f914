using System.Globalization;
using System.Text;

namespace ReportSaga.Simulator;

/// <summary>A few deterministic rows standing in for a report's data: same report, same bytes.</summary>
internal static class ReportCsv
{
    public static string For(SimulatedReport report)
    {
        var preview = report.Request.Preview;
        var builder = new StringBuilder("domain,country,date,metric,value\n");
        foreach (var domain in preview.Domains)
        {
            foreach (var country in preview.Countries)
            {
                foreach (var metric in preview.Metrics)
                {
                    var value = Fnv1a($"{domain}|{country}|{preview.StartDate}|{metric}") % 1_000_000;
                    builder.Append(CultureInfo.InvariantCulture, $"{Field(domain)},{country},{preview.StartDate},{Field(metric)},{value}\n");
                }
            }
        }

        return builder.ToString();
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    // Stable across processes, unlike string.GetHashCode.
    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
