namespace ReportSaga.Service.Hosting;

/// <summary>
/// Logging for the commands whose output is for a person (the demo's board, the operator verbs): only
/// <paramref name="minimum"/> and above, whatever the configured levels say. A level set in code
/// (<c>SetMinimumLevel</c>, <c>AddFilter</c>) loses to a configured category rule (appsettings.json's
/// <c>Default: Information</c>, <c>Microsoft.Hosting.Lifetime: Information</c>), so the rules are cleared after configuration binds them.
/// </summary>
public static class QuietLogging
{
    public static ILoggingBuilder KeepOnly(this ILoggingBuilder logging, LogLevel minimum)
    {
        logging.SetMinimumLevel(minimum);
        logging.Services.PostConfigure<LoggerFilterOptions>(options =>
        {
            options.Rules.Clear();
            options.MinLevel = minimum;
        });
        return logging;
    }
}
