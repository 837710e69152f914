using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ReportSaga.Orchestration.Options;

/// <summary>
/// Binds a settings section to its options the way every section of this service is bound. A value the configuration
/// binder cannot read (<c>soon</c> for a time span) fails like any other bad setting: an
/// <see cref="OptionsValidationException"/> naming the key as an environment variable, never quoting the value, so the
/// service stops at start-up with "cannot start" and no stack trace. The binder's own exception would name the value
/// and escape the entry point's settings handler.
/// </summary>
public static class SettingsBinding
{
    /// <summary>Binds <paramref name="section"/> (<see cref="OptionsBuilder{TOptions}.Configure(Action{TOptions})"/>), checked when the host starts.</summary>
    public static OptionsBuilder<TOptions> BindSettings<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationSection section)
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        return builder.Configure(options => Bind(section, options)).ValidateOnStart();
    }

    /// <summary>
    /// As <see cref="BindSettings{TOptions}(OptionsBuilder{TOptions}, IConfigurationSection)"/>, for a section bound to
    /// options that hold more than an operator may set (a library's options, with its queue name or its on/off switches):
    /// a key in the section that is not one of <paramref name="settableKeys"/> stops start-up naming it, so neither a
    /// typo nor an internal switch is taken silently.
    /// </summary>
    public static OptionsBuilder<TOptions> BindSettings<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationSection section,
        IReadOnlyCollection<string> settableKeys)
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(settableKeys);
        return builder.Configure(options =>
        {
            RefuseUnknownKeys<TOptions>(section, settableKeys);
            Bind(section, options);
        }).ValidateOnStart();
    }

    /// <summary>
    /// Binds and checks <paramref name="section"/> at once, for the settings the host is built from (listen ports, the
    /// transport, authentication) and so needed before it starts: the same binding and the same failure as
    /// <see cref="BindSettings{TOptions}"/>.
    /// </summary>
    public static TOptions ReadSettings<TOptions>(this IConfigurationSection section, IValidateOptions<TOptions>? validator = null)
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new TOptions();
        Bind(section, options);
        var result = validator?.Validate(Microsoft.Extensions.Options.Options.DefaultName, options) ?? ValidateOptionsResult.Success;
        if (result.Failed)
            throw new OptionsValidationException(section.Path, typeof(TOptions), result.Failures);
        return options;
    }

    private static void Bind<TOptions>(IConfigurationSection section, TOptions options) where TOptions : class, new()
    {
        // An empty value means "not set", as it did before these sections were bound (a manifest's `KEY: ""` or
        // `${X:-}`): the default stays. The binder itself would refuse it for a number, a time span or a switch.
        var values = SetValues(section).ToList();

        // The binder drops a dictionary entry it cannot read (Submission__Weights__team=heavy) without a word.
        var unreadableEntries = values
            .Select(pair => (pair.Key, pair.Value, Type: DictionaryValueType<TOptions>(pair.Key)))
            .Where(entry => entry.Type is not null && !Converts(entry.Type, entry.Value!))
            .Select(entry => $"Setting {EnvironmentName(section.Path, entry.Key)} {ExpectedOf(entry.Type)}.")
            .ToList();
        if (unreadableEntries.Count > 0)
            throw new OptionsValidationException(section.Path, typeof(TOptions), unreadableEntries);

        try
        {
            new ConfigurationBuilder().AddInMemoryCollection(values).Build().Bind(options);
        }
        catch (InvalidOperationException)
        {
            // Which keys: each set value bound alone onto fresh options, so the message needs no parsing of the binder's.
            var failures = values
                .Where(pair => !BindsAlone<TOptions>(pair.Key, pair.Value!))
                .Select(pair => $"Setting {EnvironmentName(section.Path, pair.Key)} {Expected<TOptions>(pair.Key)}.")
                .DefaultIfEmpty($"Setting {EnvironmentName(section.Path, "")} could not be read.")
                .ToList();
            throw new OptionsValidationException(section.Path, typeof(TOptions), failures);
        }
    }

    /// <summary>The section's values that are set (not empty), keyed relative to the section.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> SetValues(IConfigurationSection section) =>
        section.AsEnumerable(makePathsRelative: true).Where(pair => !string.IsNullOrWhiteSpace(pair.Value));

    private static void RefuseUnknownKeys<TOptions>(IConfigurationSection section, IReadOnlyCollection<string> settableKeys)
    {
        var failures = SetValues(section)
            .Select(pair => pair.Key.Split(ConfigurationPath.KeyDelimiter)[0])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(key => !settableKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            .Select(key => $"Setting {EnvironmentName(section.Path, key)} is not a setting of this service " +
                $"(the {section.Path} settings are {string.Join(", ", settableKeys.Select(key => EnvironmentName(section.Path, key)))}).")
            .ToList();
        if (failures.Count > 0)
            throw new OptionsValidationException(section.Path, typeof(TOptions), failures);
    }

    private static bool BindsAlone<TOptions>(string key, string value) where TOptions : class, new()
    {
        var alone = new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>(key, value)]).Build();
        try
        {
            alone.Bind(new TOptions());
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Expected<TOptions>(string key)
    {
        var property = Property<TOptions>(key);
        return ExpectedOf(property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
    }

    private static PropertyInfo? Property<TOptions>(string key) =>
        typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p =>
            string.Equals(p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>The value type when <paramref name="key"/> is an entry (<c>Weights:team</c>) of a dictionary property.</summary>
    private static Type? DictionaryValueType<TOptions>(string key)
    {
        var parts = key.Split(ConfigurationPath.KeyDelimiter);
        if (parts.Length != 2 || Property<TOptions>(parts[0])?.PropertyType is not { IsGenericType: true } type
            || type.GetGenericTypeDefinition() != typeof(Dictionary<,>))
            return null;
        var valueType = type.GetGenericArguments()[1];
        return Nullable.GetUnderlyingType(valueType) ?? valueType;
    }

    private static bool Converts(Type type, string value)
    {
        try
        {
            _ = System.ComponentModel.TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or NotSupportedException or ArgumentException or OverflowException
            || exception.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string ExpectedOf(Type? type)
    {
        return type switch
        {
            _ when type == typeof(TimeSpan) => "must be a time span such as 00:00:15",
            _ when type == typeof(bool) => "must be true or false",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(ushort) => "must be a whole number",
            _ when type == typeof(double) => "must be a number",
            _ => "could not be read",
        };
    }

    private static string EnvironmentName(string section, string key) =>
        (key.Length == 0 ? section : $"{section}:{key}").Replace(":", "__", StringComparison.Ordinal);
}
