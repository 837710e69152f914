using System.Text.RegularExpressions;

namespace ReportSaga.Service.Cli;

/// <summary>
/// Which command lines run the service. The host reads ASP.NET configuration switches from its command line
/// (<c>--urls http://0.0.0.0:8080</c>, <c>--Storage:MigrateOnStartup=false</c>), and the image's entry point may be given
/// them, so a command line made only of such switches (or none at all) runs the service. Anything else is a command for
/// the CLI, which refuses what it does not know with exit code 2: a bare <c>--verbose</c> or a misspelt verb never starts
/// the service.
/// </summary>
public static partial class ServiceArguments
{
    /// <summary>
    /// True for an empty command line, or one where every word is a setting: <c>--Key=value</c>, or <c>--Key value</c>
    /// with a value that does not start with <c>--</c>. Keys are letters, digits, <c>_ : . -</c>, starting with a letter;
    /// the CLI's own <c>--help</c> and <c>--version</c> are not settings.
    /// </summary>
    public static bool RunTheService(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var match = Switch().Match(args[i]);
            if (!match.Success || IsCliOption(match.Groups["key"].Value))
                return false;
            if (match.Groups["value"].Success)
                continue;
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                return false;
            i++;
        }

        return true;
    }

    private static bool IsCliOption(string key) =>
        key.Equals("help", StringComparison.OrdinalIgnoreCase) || key.Equals("version", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^--(?<key>[A-Za-z][A-Za-z0-9_:.\-]*)(=(?<value>.*))?$", RegexOptions.Singleline)]
    private static partial Regex Switch();
}
