using System.Globalization;
using ReportSaga.Orchestration.Options;

namespace ReportSaga.Orchestration.Requests;

/// <summary>The fixed limits on a <c>RequestReport</c>; the body size is a setting (<see cref="RequestsOptions.MaxBodyBytes"/>).</summary>
public static class RequestLimits
{
    /// <summary>
    /// How deeply the transport body may nest objects and arrays (an envelope counts as one level). A Batch API body
    /// needs about eight; System.Text.Json gives up at 64, so a body within this limit is always readable.
    /// </summary>
    public const int MaxDepth = 32;

    /// <summary>How much of a refused value an error quotes: enough to recognise it, never a large body again.</summary>
    public const int QuotedValueLength = 40;

    /// <summary>
    /// The largest <c>context</c>, in bytes of its JSON text as sent (UTF-8): it is stored with the report and copied onto every event, so
    /// it stays small (an id or two, a correlation key), never a payload.
    /// </summary>
    public const int MaxContextBytes = 4096;

    /// <summary>The setting that holds the longest deadline a request may ask for, as an operator sets it.</summary>
    public const string DeadlineKey = "Reports__Deadline";

    /// <summary>The message type a <c>RequestReport</c> names in an envelope or in the <c>MT-MessageType</c> header.</summary>
    public const string MessageTypeUrn = "urn:message:ReportSaga.Contracts:RequestReport";

    /// <summary>The setting that holds the size limit, as an operator sets it.</summary>
    public const string MaxBodyBytesKey = "Requests__MaxBodyBytes";

    /// <summary>A count as errors print it: 8,388,700.</summary>
    internal static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
