namespace ReportSaga.Orchestration.Options;

/// <summary>Limits on what a publisher may send; section <c>Requests</c>.</summary>
public sealed class RequestsOptions
{
    public const string SectionName = "Requests";

    /// <summary>256 KiB: far above any real Batch API request body (a few KiB), far below what would strain memory.</summary>
    public const long DefaultMaxBodyBytes = 256 * 1024;

    /// <summary>The smallest limit allowed: below it even an ordinary request would be refused.</summary>
    public const long SmallestMaxBodyBytes = 1024;

    /// <summary>The largest limit allowed: RabbitMQ's own default <c>max_message_size</c> (128 MiB).</summary>
    public const long LargestMaxBodyBytes = 128L * 1024 * 1024;

    /// <summary>
    /// The largest <c>RequestReport</c> transport body (envelope included) read, <c>Requests__MaxBodyBytes</c>; a
    /// larger one is refused before it is parsed, ending as <c>ReportFailed</c> reason <c>invalid</c>.
    /// </summary>
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;
}
