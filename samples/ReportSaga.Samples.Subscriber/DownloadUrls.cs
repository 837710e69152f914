namespace ReportSaga.Samples.Subscriber;

/// <summary>Shows download URLs without their secret part.</summary>
public static class DownloadUrls
{
    /// <summary>
    /// The URL without its query string and fragment. The provider's download link is a signed URL: its query
    /// carries the signature that grants access to the file, so whoever reads the whole URL (in a log, say) can
    /// download the report. Log only what is left; pass the whole URL only to what fetches the file.
    /// </summary>
    public static string WithoutQuery(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var end = url.IndexOfAny(['?', '#']);
        return end < 0 ? url : url[..end];
    }
}
