using ReportSaga.Service.Hosting;

namespace ReportSaga.Service.OperatorApi;

/// <summary>
/// Links a report's trace id to the tracing UI: <c>Telemetry__TraceUrlTemplate</c>, an absolute http(s) URL with
/// <c>{traceId}</c> in it (Jaeger: <c>http://jaeger:16686/trace/{traceId}</c>). Unset, views show the trace id alone.
/// </summary>
public sealed class TraceLinks
{
    public const string TemplateKey = "Telemetry:TraceUrlTemplate";
    private const string Placeholder = "{traceId}";

    private readonly string? _template;

    private TraceLinks(string? template) => _template = template;

    /// <summary>Reads the template; throws <see cref="InvalidSettingException"/> naming the key when it is not a usable URL.</summary>
    public static TraceLinks From(IConfiguration configuration)
    {
        var template = configuration[TemplateKey];
        if (string.IsNullOrWhiteSpace(template))
            return new TraceLinks(null);
        if (!template.Contains(Placeholder, StringComparison.Ordinal)
            || !Uri.TryCreate(template.Replace(Placeholder, "0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new InvalidSettingException(TemplateKey, "must be an absolute http(s) URL containing {traceId}, such as http://localhost:16686/trace/{traceId}");
        return new TraceLinks(template);
    }

    /// <summary>The trace's URL, or null when no template is set or the report has no trace id.</summary>
    public string? UrlOf(string? traceId) =>
        _template is null || traceId is null ? null : _template.Replace(Placeholder, Uri.EscapeDataString(traceId), StringComparison.Ordinal);
}
