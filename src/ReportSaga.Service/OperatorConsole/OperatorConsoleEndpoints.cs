using System.Reflection;

namespace ReportSaga.Service.OperatorConsole;

/// <summary>
/// The operator console, a web page at <c>/</c>: plain HTML, JavaScript and CSS embedded in this assembly (no build
/// toolchain, no content root to find). The files carry no data and are served to anyone; the page asks the operator
/// API for everything it shows, with the key the operator types in (kept in the tab's session storage only), or none
/// for a loopback caller of a service without keys.
/// </summary>
public static class OperatorConsoleEndpoints
{
    private static readonly Assembly Assembly = typeof(OperatorConsoleEndpoints).Assembly;

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
        ["console.css"] = "text/css; charset=utf-8",
    };

    public static IEndpointRouteBuilder MapOperatorConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext http) => Serve(http, "index.html")).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapGet("/console/{file}", (HttpContext http, string file) => Serve(http, file)).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Serve(HttpContext http, string file)
    {
        // Only the page's own files, by exact name: nothing else of the assembly is reachable.
        if (!ContentTypes.TryGetValue(file, out var contentType) || Assembly.GetManifestResourceStream("console/" + file) is not { } stream)
            return Results.NotFound();

        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        // The page loads only its own files and talks only to this service; the trace link opens elsewhere.
        http.Response.Headers.ContentSecurityPolicy =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
        return Results.Stream(stream, contentType);
    }
}
