using System.Text.RegularExpressions;

namespace ReportSaga.UnitTests.Deploy;

/// <summary>The images build from the repository and run as configured production processes, not as root.</summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string, string> Images => new()
    {
        { "deploy/service.Dockerfile", "ReportSaga.Service" },
        { "deploy/simulator.Dockerfile", "ReportSaga.Simulator" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void It_builds_with_the_sdk_and_runs_on_the_aspnet_runtime(string dockerfile, string project)
    {
        var instructions = Instructions(dockerfile);
        var stages = instructions.Where(i => i.Keyword == "FROM").Select(i => i.Arguments).ToList();

        Assert.Equal(2, stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", stages[0]);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", stages[1]);
        Assert.Contains(instructions, i => i.Keyword == "RUN" && i.Arguments.Contains($"dotnet publish src/{project}/{project}.csproj"));
        Assert.True(File.Exists(RepositoryRoot.File("src", project, $"{project}.csproj")));
        Assert.Equal($"[\"dotnet\", \"{project}.dll\"]", instructions.Last(i => i.Keyword == "ENTRYPOINT").Arguments);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void The_runtime_stage_sets_production_and_port_8080(string dockerfile, string project)
    {
        _ = project;
        var environment = RuntimeStage(dockerfile).Where(i => i.Keyword == "ENV")
            .SelectMany(i => EnvPair().Matches(i.Arguments)).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

        Assert.Equal("Production", environment["DOTNET_ENVIRONMENT"]);
        Assert.Equal("http://+:8080", environment["ASPNETCORE_URLS"]);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void The_runtime_stage_runs_as_a_non_root_user_with_a_healthcheck(string dockerfile, string project)
    {
        _ = project;
        var runtime = RuntimeStage(dockerfile);

        var user = runtime.Last(i => i.Keyword == "USER").Arguments;
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });
        Assert.Contains(runtime, i => i.Keyword == "HEALTHCHECK");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Everything_it_copies_from_the_context_exists_and_is_not_docker_ignored(string dockerfile, string project)
    {
        _ = project;
        var ignored = File.ReadAllLines(RepositoryRoot.File(".dockerignore"))
            .Select(line => line.Trim().TrimEnd('/')).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();

        var sources = Instructions(dockerfile)
            .Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1));

        foreach (var source in sources)
        {
            var path = RepositoryRoot.File(source.TrimEnd('/'));
            Assert.True(File.Exists(path) || Directory.Exists(path), $"{dockerfile} copies {source}, which does not exist");
            Assert.DoesNotContain(source.TrimEnd('/'), ignored);
        }
    }

    private static List<Instruction> RuntimeStage(string dockerfile) =>
        Instructions(dockerfile).SkipWhile(i => !(i.Keyword == "FROM" && i.Arguments.Contains("/aspnet:"))).ToList();

    /// <summary>Instructions with line continuations joined and comments dropped.</summary>
    private static List<Instruction> Instructions(string dockerfile)
    {
        var lines = File.ReadAllLines(RepositoryRoot.File(dockerfile)).Where(l => !l.TrimStart().StartsWith('#'));
        var joined = string.Join('\n', lines).Replace("\\\n", " ");
        return joined.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)
            .Select(l => l.Split(' ', 2)).Select(p => new Instruction(p[0].ToUpperInvariant(), p.Length > 1 ? Spaces().Replace(p[1], " ").Trim() : ""))
            .ToList();
    }

    private sealed record Instruction(string Keyword, string Arguments);

    [GeneratedRegex(@"(\w+)=(\S*)")]
    private static partial Regex EnvPair();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
