namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>
/// Reads an OTLP <c>ExportMetricsServiceRequest</c> as the OpenTelemetry exporter sends it over HTTP (protobuf): each
/// metric's name, unit, kind and the attribute keys and string values of its data points. Only the fields needed, by
/// the field numbers of opentelemetry/proto/metrics/v1/metrics.proto; everything else is skipped by its wire type.
/// </summary>
public static class OtlpMetricsProtobuf
{
    /// <summary>One metric of one export: name, unit, kind (counter, up-down counter, histogram, gauge) and its points.</summary>
    public sealed record ExportedMetric(string Scope, string Name, string Unit, string Kind, IReadOnlyList<ExportedPoint> Points);

    /// <summary>A data point's attributes (string values) and, for a whole-number sum or gauge, its value.</summary>
    public sealed record ExportedPoint(IReadOnlyDictionary<string, string> Attributes, long? Value);

    public static IReadOnlyList<ExportedMetric> Read(ReadOnlySpan<byte> request)
    {
        var metrics = new List<ExportedMetric>();
        foreach (var resourceMetrics in Fields(request, 1)) // ExportMetricsServiceRequest.resource_metrics
        {
            foreach (var scopeMetrics in Fields(resourceMetrics.Span, 2)) // ResourceMetrics.scope_metrics
            {
                var scope = Fields(scopeMetrics.Span, 1).Select(s => Text(s.Span, 1)).FirstOrDefault() ?? ""; // InstrumentationScope.name
                foreach (var metric in Fields(scopeMetrics.Span, 2)) // ScopeMetrics.metrics
                    metrics.Add(ReadMetric(scope, metric.Span));
            }
        }

        return metrics;
    }

    private static ExportedMetric ReadMetric(string scope, ReadOnlySpan<byte> metric)
    {
        var name = Text(metric, 1) ?? "";
        var unit = Text(metric, 3) ?? "";
        // Metric.data: gauge = 5, sum = 7, histogram = 9, exponential_histogram = 10, summary = 11.
        var (kind, data, attributesField) =
            Fields(metric, 7).FirstOrDefault() is { IsEmpty: false } sum ? (Varint(sum.Span, 3) == 1 ? "counter" : "up-down counter", sum, 7)
            : Fields(metric, 9).FirstOrDefault() is { IsEmpty: false } histogram ? ("histogram", histogram, 9)
            : Fields(metric, 5).FirstOrDefault() is { IsEmpty: false } gauge ? ("gauge", gauge, 7)
            : ("other", ReadOnlyMemory<byte>.Empty, 0);
        var points = Fields(data.Span, 1) // data_points
            .Select(point => new ExportedPoint(
                Fields(point.Span, attributesField)
                    .ToDictionary(kv => Text(kv.Span, 1) ?? "", kv => Fields(kv.Span, 2).Select(v => Text(v.Span, 1)).FirstOrDefault() ?? ""),
                kind == "histogram" ? null : Fixed64(point.Span, 6))) // NumberDataPoint.as_int
            .ToList();
        return new ExportedMetric(scope, name, unit, kind, points);
    }

    /// <summary>Every length-delimited field <paramref name="number"/> of a message, in order.</summary>
    private static List<ReadOnlyMemory<byte>> Fields(ReadOnlySpan<byte> message, int number)
    {
        var found = new List<ReadOnlyMemory<byte>>();
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message, ref position);
            var (field, wireType) = ((int)(key >> 3), (int)(key & 7));
            switch (wireType)
            {
                case 0: ReadVarint(message, ref position); break;
                case 1: position += 8; break;
                case 5: position += 4; break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    if (field == number)
                        found.Add(message.Slice(position, length).ToArray());
                    position += length;
                    break;
                default: throw new InvalidDataException($"Unsupported protobuf wire type {wireType}");
            }
        }

        return found;
    }

    private static string? Text(ReadOnlySpan<byte> message, int number) =>
        Fields(message, number).Select(bytes => System.Text.Encoding.UTF8.GetString(bytes.Span)).FirstOrDefault();

    /// <summary>The varint field <paramref name="number"/>, or 0 when absent (protobuf's default).</summary>
    private static ulong Varint(ReadOnlySpan<byte> message, int number)
    {
        var position = 0;
        ulong value = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message, ref position);
            var (field, wireType) = ((int)(key >> 3), (int)(key & 7));
            switch (wireType)
            {
                case 0:
                    var read = ReadVarint(message, ref position);
                    if (field == number)
                        value = read;
                    break;
                case 1: position += 8; break;
                case 5: position += 4; break;
                case 2:
                    var skip = (int)ReadVarint(message, ref position); // read before adding: position moves past the length
                    position += skip;
                    break;
                default: throw new InvalidDataException($"Unsupported protobuf wire type {wireType}");
            }
        }

        return value;
    }

    /// <summary>The fixed64 field <paramref name="number"/> as a signed whole number, or null when absent.</summary>
    private static long? Fixed64(ReadOnlySpan<byte> message, int number)
    {
        var position = 0;
        long? value = null;
        while (position < message.Length)
        {
            var key = ReadVarint(message, ref position);
            var (field, wireType) = ((int)(key >> 3), (int)(key & 7));
            switch (wireType)
            {
                case 0: ReadVarint(message, ref position); break;
                case 1:
                    if (field == number)
                        value = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(message.Slice(position, 8));
                    position += 8;
                    break;
                case 5: position += 4; break;
                case 2:
                    var skip = (int)ReadVarint(message, ref position); // read before adding: position moves past the length
                    position += skip;
                    break;
                default: throw new InvalidDataException($"Unsupported protobuf wire type {wireType}");
            }
        }

        return value;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
    }
}
