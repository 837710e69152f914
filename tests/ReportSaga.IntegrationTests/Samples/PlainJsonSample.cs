using System.Text.Json;
using ReportSaga.IntegrationTests.Messaging;

namespace ReportSaga.IntegrationTests.Samples;

/// <summary>What the plain-JSON publisher samples (shell, Python) are given, and what must arrive at the entry endpoint.</summary>
internal static class PlainJsonSample
{
    /// <summary>A body a sample must pass through untouched: non-ASCII text, a number no double holds, a trailing zero.</summary>
    public const string OddReport =
        """{"report_name":"Zürich \"Q1\"","report_query":{"tables":[{"vtable":"traffic_and_engagement","granularity":"monthly","filters":{"domains":["example.ch"],"countries":["CH"]},"metrics":["all_traffic_visits"],"start_date":"2024-01","end_date":"2024-03","future_option":{"huge":123456789012345678901234567890,"price":0.10,"nothing":null}}]}}""";

    /// <summary>Runs a sample with <see cref="OddReport"/> in a file of its own, whose path <paramref name="run"/> is given.</summary>
    public static async Task<ScriptResult> RunWithOddReportFileAsync(Func<string, Task<ScriptResult>> run)
    {
        var reportFile = Path.Combine(Path.GetTempPath(), $"reportsaga-sample-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(reportFile, OddReport);
        try
        {
            return await run(reportFile);
        }
        finally
        {
            File.Delete(reportFile);
        }
    }

    /// <summary>
    /// Exactly one <c>RequestReport</c> arrived, as plain JSON, with these fields and <see cref="OddReport"/> byte for
    /// byte, and with a message id in its AMQP properties (ReportSaga's inbox keys on it).
    /// </summary>
    public static async Task AssertArrivedOnceUnchangedAsync(RunningBus bus, Guid requestId, long maxCredits, string requestedBy)
    {
        var arrived = Assert.Single(await EntryEndpoint.DrainAsync(bus));
        Assert.Equal("application/json", arrived.ContentType);
        Assert.Equal(requestId, arrived.Message.RequestId);
        Assert.Equal(maxCredits, arrived.Message.MaxCredits);
        Assert.Equal(requestedBy, arrived.Message.RequestedBy);
        Assert.Equal(OddReport, JsonSerializer.Serialize(arrived.Message.Report!.Value,
            new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.NotNull(bus.Get<RequestReportMessageIds>().Of(requestId));
    }
}
