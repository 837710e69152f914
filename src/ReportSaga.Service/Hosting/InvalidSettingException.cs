namespace ReportSaga.Service.Hosting;

/// <summary>A setting is missing or malformed. The message names the key as an environment variable and never quotes its value.</summary>
public sealed class InvalidSettingException(string key, string problem)
    : Exception($"Setting {key.Replace(":", "__", StringComparison.Ordinal)} {problem}.")
{
    /// <summary>The key, in configuration form (<c>Section:Key</c>).</summary>
    public string Key { get; } = key;
}
