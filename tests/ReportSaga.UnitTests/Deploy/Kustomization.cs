namespace ReportSaga.UnitTests.Deploy;

/// <summary>
/// A kustomization folder read the way <c>kubectl apply -k</c> reads it, as far as these tests need: its own resource
/// files, the resources of the folders it lists (recursively), and its <c>images</c> entries. Patches and generators
/// are not applied.
/// </summary>
public sealed class Kustomization
{
    private Kustomization(string folder, Yaml.Map file, IReadOnlyList<Yaml.Map> resources)
    {
        Folder = folder;
        File = file;
        Resources = resources;
    }

    /// <summary>The folder, relative to the repository root (deploy/k8s, …).</summary>
    public string Folder { get; }

    /// <summary>The kustomization.yaml itself.</summary>
    public Yaml.Map File { get; }

    /// <summary>Every resource document, its own and those of the folders it includes.</summary>
    public IReadOnlyList<Yaml.Map> Resources { get; }

    /// <summary>The folders of the repository that hold a kustomization.yaml under deploy/.</summary>
    public static IReadOnlyList<string> All() =>
        Directory.GetFiles(RepositoryRoot.File("deploy"), "kustomization.yaml", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(RepositoryRoot.Path, Path.GetDirectoryName(file)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static Kustomization Load(string folder)
    {
        var path = RepositoryRoot.File(folder);
        var file = Yaml.Load(Path.Combine(path, "kustomization.yaml"));
        var resources = new List<Yaml.Map>();
        if (file.Has("resources"))
        {
            foreach (var entry in file.ListAt("resources").Cast<string>())
            {
                var target = Path.GetFullPath(Path.Combine(path, entry));
                resources.AddRange(Directory.Exists(target)
                    ? Load(Path.GetRelativePath(RepositoryRoot.Path, target)).Resources
                    : Yaml.LoadAll(target));
            }
        }

        return new Kustomization(folder, file, resources);
    }

    /// <summary>The <c>images</c> entries by image name.</summary>
    public IReadOnlyDictionary<string, Yaml.Map> Images =>
        File.Has("images") ? File.MapsAt("images").ToDictionary(image => image.StringAt("name")) : new Dictionary<string, Yaml.Map>();

    public Yaml.Map Single(string kind, string name) =>
        Assert.Single(Resources, r => r.StringAt("kind") == kind && r.MapAt("metadata").StringAt("name") == name);

    /// <summary>The pod specs of every workload (Deployments and Jobs).</summary>
    public IEnumerable<(string Workload, Yaml.Map PodSpec, Yaml.Map Labels)> PodSpecs() =>
        Resources.Where(r => r.StringAt("kind") is "Deployment" or "Job")
            .Select(r => ($"{r.StringAt("kind")} {r.MapAt("metadata").StringAt("name")}", r.Path("spec.template.spec"),
                r.Path("spec.template.metadata.labels")));
}
