using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using ReportSaga.Contracts;
using ReportSaga.UnitTests.Deploy;

namespace ReportSaga.UnitTests.Contracts;

/// <summary>
/// The ReportSaga.Contracts package the test command packs into artifacts/packages (scripts/test.sh packs it before
/// the build; the .NET samples install it from there): what another service installs, read as NuGet would.
/// </summary>
public sealed class The_contracts_package
{
    private static readonly Lazy<string> Package = new(Find);

    [Fact]
    public void Has_the_assembly_and_its_docs_for_net8_and_net10_a_readme_and_no_dependencies()
    {
        using var zip = ZipFile.OpenRead(Package.Value);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Contains("lib/net8.0/ReportSaga.Contracts.dll", entries);
        Assert.Contains("lib/net8.0/ReportSaga.Contracts.xml", entries);
        Assert.Contains("lib/net10.0/ReportSaga.Contracts.dll", entries);
        Assert.Contains("lib/net10.0/ReportSaga.Contracts.xml", entries);
        Assert.Contains("README.md", entries);

        var nuspec = Nuspec(zip);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("ReportSaga.Contracts", (string?)metadata.Element(ns + "id"));
        Assert.Equal("README.md", (string?)metadata.Element(ns + "readme"));
        Assert.Empty(metadata.Descendants(ns + "dependency"));
        // MinVer's version from the contracts-v tags (a pre-release between them), never the SDK's default 1.0.0.
        Assert.NotEqual("1.0.0", (string?)metadata.Element(ns + "version"));
        // SourceLink's record of the commit the package was built from.
        Assert.Matches("^[0-9a-f]{40}$", (string?)metadata.Element(ns + "repository")?.Attribute("commit") ?? "");
    }

    [Theory]
    [InlineData("net8.0", ".NETCoreApp,Version=v8.0")]
    [InlineData("net10.0", ".NETCoreApp,Version=v10.0")]
    public void Each_assembly_targets_its_runtime_and_holds_exactly_the_public_types_of_the_contracts(string folder, string framework)
    {
        using var zip = ZipFile.OpenRead(Package.Value);
        using var stream = new MemoryStream();
        using (var dll = zip.GetEntry($"lib/{folder}/ReportSaga.Contracts.dll")!.Open())
            dll.CopyTo(stream);
        stream.Position = 0;
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();

        Assert.Equal(framework, TargetFramework(reader));
        var packed = reader.TypeDefinitions.Select(reader.GetTypeDefinition)
            .Where(t => (t.Attributes & System.Reflection.TypeAttributes.VisibilityMask) == System.Reflection.TypeAttributes.Public)
            .Select(t => $"{reader.GetString(t.Namespace)}.{reader.GetString(t.Name)}")
            .Order(StringComparer.Ordinal);
        // The package is the one built from these sources: a stale or broken one fails here.
        Assert.Equal(typeof(RequestReport).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal), packed);
    }

    private static XDocument Nuspec(ZipArchive zip)
    {
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    private static string? TargetFramework(MetadataReader reader)
    {
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
                continue;
            var type = reader.GetTypeReference((TypeReferenceHandle)reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent);
            if (reader.GetString(type.Name) != "TargetFrameworkAttribute")
                continue;
            var blob = reader.GetBlobReader(attribute.Value);
            blob.ReadUInt16(); // prolog
            return blob.ReadSerializedString();
        }

        return null;
    }

    private static string Find()
    {
        var folder = RepositoryRoot.File("artifacts", "packages");
        // The newest one packed: the samples' floating version takes the highest, which a later commit's pack is.
        var newest = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "ReportSaga.Contracts.*.nupkg").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            $"No ReportSaga.Contracts package in {folder}: run `dotnet pack src/ReportSaga.Contracts -c Release -o artifacts/packages` (scripts/test.sh does) first.");
    }
}
