namespace ReportSaga.BatchApi;

/// <summary>
/// Makes URLs safe to log. A download link's query string carries the signature that grants access to the
/// report, and a URL's user-info may carry credentials: neither may reach a log, a trace or a status page.
/// </summary>
public static class UrlRedaction
{
    /// <summary>
    /// The URL without its query string, fragment and user-info:
    /// <c>https://host/r/1.csv?signature=abc</c> → <c>https://host/r/1.csv</c>. Null or empty input comes back unchanged.
    /// </summary>
    public static string WithoutQuery(string url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && !uri.IsFile && !string.IsNullOrEmpty(uri.Host))
        {
            // SchemeAndServer leaves out the user-info; Port is omitted when it is the scheme's default.
            return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        }

        var cut = url.IndexOfAny(['?', '#']);
        return cut < 0 ? url : url[..cut];
    }
}
