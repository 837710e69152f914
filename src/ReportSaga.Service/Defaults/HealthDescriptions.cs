using System.Text.RegularExpressions;

namespace ReportSaga.Service.Defaults;

/// <summary>
/// What a health check's description may show on the health endpoints, which answer anyone who reaches the port.
/// The service's own checks name no host, database or file by construction; MassTransit's bus check reports a
/// failed start or stop as <c>Not ready: start faulted: {exception message}</c>, and a connection failure's message
/// names the broker's user, host and port. Such detail is logged by the health check service (at Error), not shown.
/// </summary>
public static partial class HealthDescriptions
{
    private const string Faulted = " faulted";
    private const string Hidden = "…";

    public static string? ForOperators(string? description)
    {
        if (string.IsNullOrEmpty(description))
            return description;

        var text = description.Split('\n', 2)[0].TrimEnd();
        var faulted = text.IndexOf(Faulted + ":", StringComparison.Ordinal);
        if (faulted >= 0)
            text = text[..(faulted + Faulted.Length)] + " (the cause is in the service log)";

        // Whatever else might name a place: URIs, user@host, host:port.
        text = UriPattern().Replace(text, Hidden);
        text = UserAtHostPattern().Replace(text, Hidden);
        return HostAndPortPattern().Replace(text, Hidden);
    }

    [GeneratedRegex(@"\b[a-zA-Z][a-zA-Z0-9+.-]*://\S*")]
    private static partial Regex UriPattern();

    [GeneratedRegex(@"\S+@\S+")]
    private static partial Regex UserAtHostPattern();

    // A name with a letter or a dot before ":port", so a time such as 00:02:13 is left alone.
    [GeneratedRegex(@"\b[a-zA-Z0-9-]*[a-zA-Z.][a-zA-Z0-9.-]*:\d{1,5}\b")]
    private static partial Regex HostAndPortPattern();
}
