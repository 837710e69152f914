using System.Globalization;

namespace ReportSaga.Samples.Publisher;

/// <summary>The publisher's command line.</summary>
public sealed record PublisherOptions
{
    /// <summary>What <c>--help</c> prints.</summary>
    public const string Usage =
        """
        Publishes one RequestReport to ReportSaga and prints its request id.

        usage: ReportSaga.Samples.Publisher [options]
          --report FILE        the Batch API request body (JSON); default: a built-in example
          --max-credits N      refuse the report when its estimated credits exceed N (default: 5000)
          --requested-by NAME  who asks: for operators, echoed on every event (default: samples-publisher)
          --context JSON       a JSON object echoed on every event of the report (default: none)
          --deadline TIME      finish by then: a duration hh:mm:ss or a time 2026-12-07T18:00:00Z (default: the service's limit)
          --wait               wait for the report's ReportCompleted or ReportFailed and print it
          --timeout TIME       how long --wait waits, as hh:mm:ss (default: 00:15:00)
          --show-signed-url    print the whole download URL, signature included (default: without its query)

        The broker: ConnectionStrings__RabbitMq (default amqp://guest:guest@localhost:5672/).
        Exit codes: 0 published (and completed, with --wait); 1 the report failed; 2 no outcome within --timeout;
        3 nothing is bound to the RequestReport exchange; 64 bad arguments.
        """;

    public string? ReportFile { get; init; }
    public long? MaxCredits { get; init; } = 5000;
    public string RequestedBy { get; init; } = "samples-publisher";
    public string? Context { get; init; }
    public string? Deadline { get; init; }
    public bool Wait { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);
    public bool ShowSignedUrl { get; init; }
    public bool Help { get; init; }

    /// <summary>Reads <paramref name="args"/>; throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static PublisherOptions Parse(IReadOnlyList<string> args)
    {
        var options = new PublisherOptions();
        for (var i = 0; i < args.Count; i++)
        {
            options = args[i] switch
            {
                "--report" => options with { ReportFile = ValueOf(args, ref i) },
                "--max-credits" => options with { MaxCredits = PositiveNumber(ValueOf(args, ref i)) },
                "--requested-by" => options with { RequestedBy = ValueOf(args, ref i) },
                "--context" => options with { Context = JsonObject(ValueOf(args, ref i)) },
                "--deadline" => options with { Deadline = ValueOf(args, ref i) },
                "--wait" => options with { Wait = true },
                "--timeout" => options with { Timeout = Duration(ValueOf(args, ref i)) },
                "--show-signed-url" => options with { ShowSignedUrl = true },
                "--help" or "-h" => options with { Help = true },
                var other => throw new ArgumentException($"unknown option '{other}'"),
            };
        }

        return options;
    }

    private static string JsonObject(string text)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                ? text
                : throw new ArgumentException($"--context must be a JSON object, not {document.RootElement.ValueKind}");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"--context is not valid JSON: {e.Message}");
        }
    }

    private static string ValueOf(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count)
            throw new ArgumentException($"{args[i]} needs a value");
        return args[++i];
    }

    private static long PositiveNumber(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"--max-credits wants a positive whole number, not '{text}'");

    private static TimeSpan Duration(string text) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw new ArgumentException($"--timeout wants a positive duration like 00:15:00, not '{text}'");
}
