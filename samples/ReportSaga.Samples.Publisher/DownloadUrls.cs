namespace ReportSaga.Samples.Publisher;

/// <summary>Shows download URLs without their secret part.</summary>
public static class DownloadUrls
{
    /// <summary>
    /// The URL without its query string and fragment. The provider's download link is a signed URL: its query
    /// carries the signature that grants access to the file, so whoever reads the whole URL can download the
    /// report. Print or log only what is left.
    /// </summary>
    public static string WithoutQuery(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var end = url.IndexOfAny(['?', '#']);
        return end < 0 ? url : url[..end];
    }
}
