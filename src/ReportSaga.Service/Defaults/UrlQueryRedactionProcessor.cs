using System.Diagnostics;
using OpenTelemetry;

namespace ReportSaga.Service.Defaults;

/// <summary>
/// Strips query strings from URL attributes of every span before it is exported. .NET already masks query values
/// on HttpClient spans, but keeps parameter names and applies nothing to other sources; removing the whole query
/// keeps a signed download URL (or anything else a future call puts in a query) out of the tracing backend.
/// It must be added before any exporter, since exporting processors read the span in their own OnEnd.
/// </summary>
public sealed class UrlQueryRedactionProcessor : BaseProcessor<Activity>
{
    /// <summary>Attributes holding a whole URL: current semantic conventions and the older ones.</summary>
    private static readonly string[] UrlAttributes = ["url.full", "http.url"];

    /// <summary>Attributes holding only the query.</summary>
    private static readonly string[] QueryAttributes = ["url.query", "http.query"];

    public override void OnEnd(Activity data)
    {
        foreach (var name in UrlAttributes)
        {
            if (data.GetTagItem(name) is string url)
            {
                var cut = url.IndexOfAny(['?', '#']);
                if (cut >= 0)
                {
                    data.SetTag(name, url[..cut]);
                }
            }
        }

        foreach (var name in QueryAttributes)
        {
            if (data.GetTagItem(name) is not null)
            {
                // SetTag with null removes the attribute.
                data.SetTag(name, null);
            }
        }

        // The span name never holds a URL (HttpClient names spans by method), so it is left alone.
    }
}
