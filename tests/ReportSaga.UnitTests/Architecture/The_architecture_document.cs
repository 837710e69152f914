using System.Text.RegularExpressions;
using System.Xml.Linq;
using ReportSaga.UnitTests.Deploy;

namespace ReportSaga.UnitTests.Architecture;

/// <summary>
/// docs/architecture.md draws the projects under src/ and the references between them. The drawing is compared with
/// the project files themselves, so a new project or a new reference that is not drawn fails here, not in a
/// newcomer's head.
/// </summary>
public sealed partial class The_architecture_document
{
    private const string Prefix = "ReportSaga.";

    [Fact]
    public void Draws_every_project_under_src_and_no_other()
    {
        Assert.Equal(ProjectsOnDisk().Keys.Order(), DrawnProjects().Order());
    }

    [Fact]
    public void Draws_exactly_the_references_the_projects_make()
    {
        var onDisk = ProjectsOnDisk()
            .SelectMany(project => project.Value.Select(reference => $"{project.Key} --> {reference}"))
            .Order();

        Assert.Equal(onDisk, DrawnReferences().Order());
    }

    [Fact]
    public void Describes_every_project_in_its_table()
    {
        var document = File.ReadAllText(RepositoryRoot.File("docs", "architecture.md"));

        Assert.All(ProjectsOnDisk().Keys, project => Assert.Contains($"| `{Prefix}{project}` |", document, StringComparison.Ordinal));
    }

    /// <summary>Each project under src/ (by its short name) with the projects it references.</summary>
    private static Dictionary<string, string[]> ProjectsOnDisk() =>
        Directory.GetDirectories(RepositoryRoot.File("src"))
            .Select(directory => Path.Combine(directory, Path.GetFileName(directory) + ".csproj"))
            .Where(File.Exists)
            .ToDictionary(
                path => ShortName(path),
                path => XDocument.Load(path).Descendants("ProjectReference")
                    .Select(reference => ShortName(((string)reference.Attribute("Include")!).Replace('\\', '/')))
                    .ToArray());

    private static string ShortName(string projectPath)
    {
        var name = Path.GetFileNameWithoutExtension(projectPath);
        Assert.StartsWith(Prefix, name, StringComparison.Ordinal);
        return name[Prefix.Length..];
    }

    /// <summary>The first Mermaid block under "## Projects".</summary>
    private static string[] ProjectDiagram()
    {
        var lines = File.ReadAllLines(RepositoryRoot.File("docs", "architecture.md"));
        var heading = Array.IndexOf(lines, "## Projects");
        Assert.True(heading >= 0, "docs/architecture.md has no \"## Projects\" section.");
        var start = Array.FindIndex(lines, heading, line => line.Trim() == "```mermaid");
        var end = Array.FindIndex(lines, start + 1, line => line.Trim() == "```");
        Assert.True(start > heading && end > start, "The \"## Projects\" section has no closed mermaid block.");
        return lines[(start + 1)..end];
    }

    private static IEnumerable<string> DrawnProjects() =>
        ProjectDiagram().Select(line => Node().Match(line)).Where(match => match.Success).Select(match => match.Groups["id"].Value);

    private static IEnumerable<string> DrawnReferences() =>
        ProjectDiagram().Select(line => Arrow().Match(line)).Where(match => match.Success)
            .Select(match => $"{match.Groups["from"].Value} --> {match.Groups["to"].Value}");

    [GeneratedRegex("""^\s*(?<id>\w+)\["ReportSaga\.\k<id><br/>""")]
    private static partial Regex Node();

    [GeneratedRegex(@"^\s*(?<from>\w+)\s*-->\s*(?<to>\w+)\s*$")]
    private static partial Regex Arrow();
}
