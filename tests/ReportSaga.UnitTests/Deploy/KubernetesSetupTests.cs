using System.Text.RegularExpressions;

namespace ReportSaga.UnitTests.Deploy;

/// <summary>
/// deploy/k8s/setup and what the replicas rely on from it: the schema is migrated by a Job as the owner role, the
/// replicas run as a less privileged role without migrating, the broker users come from the shipped policy, and
/// every Secret a pod reads is one the example names.
/// </summary>
public sealed partial class KubernetesSetupTests
{
    private static readonly Kustomization Main = Kustomization.Load("deploy/k8s");
    private static readonly Kustomization Setup = Kustomization.Load("deploy/k8s/setup");
    private static readonly IReadOnlyDictionary<string, Yaml.Map> Examples = ExampleSecrets.Load();

    public static TheoryData<string> Kustomizations() => new(Kustomization.All());

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Every_container_image_is_pinned_by_version_or_digest_and_never_latest(string folder)
    {
        var kustomization = Kustomization.Load(folder);
        foreach (var image in kustomization.Images.Values)
        {
            var pinned = image.Has("digest") ? image.StringAt("digest") : image.Has("newTag") ? image.StringAt("newTag") : "";
            Assert.True(PinnedTag().IsMatch(pinned) || pinned.StartsWith("sha256:", StringComparison.Ordinal),
                $"{folder}: image {image.StringAt("name")} is pinned to '{pinned}', not to a version or a digest");
        }

        foreach (var (workload, podSpec, _) in kustomization.PodSpecs())
        {
            foreach (var container in podSpec.MapsAt("containers"))
            {
                var (name, tag) = SplitImage(container.StringAt("image"));
                Assert.True(PinnedTag().IsMatch(tag), $"{folder}, {workload}: image {container.StringAt("image")} has no version tag");
                // The manifest's own tag and the kustomization's must agree, so reading either tells the release.
                if (kustomization.Images.TryGetValue(name, out var entry) && entry.Has("newTag"))
                    Assert.Equal(entry.StringAt("newTag"), tag);
            }
        }
    }

    [Fact]
    public void The_set_up_Jobs_run_the_same_release_as_the_replicas()
    {
        Assert.Equal(Main.Images["report-saga-service"].StringAt("newTag"), Setup.Images["report-saga-service"].StringAt("newTag"));
    }

    [Fact]
    public void A_Job_migrates_the_schema_with_the_service_image_as_the_owner_role()
    {
        var job = Setup.Single("Job", "report-saga-migrate");
        var container = Assert.Single(job.Path("spec.template.spec").MapsAt("containers"));

        Assert.StartsWith("report-saga-service:", container.StringAt("image"));
        Assert.Equal(["migrate"], container.ListAt("args"));
        Assert.Equal("Never", job.Path("spec.template.spec").StringAt("restartPolicy"));
        var postgres = EnvOf(container)[ContractSettings.Postgres].Path("valueFrom.secretKeyRef");
        Assert.Equal(ExampleSecrets.Migrate, postgres.StringAt("name"));
        Assert.Contains("Username=reportsaga_owner", Examples[ExampleSecrets.Migrate].StringAt(postgres.StringAt("key")));
    }

    [Fact]
    public void The_replicas_do_not_migrate_and_connect_as_the_role_that_only_reads_and_writes_rows()
    {
        var deployment = Main.Single("Deployment", "report-saga");
        var container = Assert.Single(deployment.Path("spec.template.spec").MapsAt("containers"));
        var configMap = Main.Single("ConfigMap", Assert.Single(container.MapsAt("envFrom")).MapAt("configMapRef").StringAt("name"));

        Assert.Equal("false", configMap.MapAt("data").StringAt("Storage__MigrateOnStartup"));
        var postgres = EnvOf(container)[ContractSettings.Postgres].Path("valueFrom.secretKeyRef");
        Assert.Equal(ExampleSecrets.Service, postgres.StringAt("name"));
        Assert.Contains("Username=reportsaga_app", Examples[ExampleSecrets.Service].StringAt(postgres.StringAt("key")));
        // The roles are those deploy/postgres/roles.sql creates when run as its header says.
        var roles = File.ReadAllText(RepositoryRoot.File("deploy", "postgres", "roles.sql"));
        Assert.Contains("owner_role=reportsaga_owner", roles);
        Assert.Contains("app_role=reportsaga_app", roles);
    }

    [Fact]
    public void A_Job_applies_the_shipped_broker_access_policy_with_every_password_it_names()
    {
        var job = Setup.Single("Job", "report-saga-broker-access");
        var podSpec = job.Path("spec.template.spec");
        var container = Assert.Single(podSpec.MapsAt("containers"));

        var command = string.Join(' ', container.ListAt("command"));
        Assert.Contains("apply-broker-access.py", command);
        Assert.Contains("broker-access.json", command);
        var mount = Assert.Single(container.MapsAt("volumeMounts"));
        var volume = Assert.Single(podSpec.MapsAt("volumes"), v => v.StringAt("name") == mount.StringAt("name"));
        Assert.StartsWith(mount.StringAt("mountPath") + "/", container.ListAt("command")[1]!.ToString());

        // The ConfigMap is generated from the very files docker-compose mounts (deploy/rabbitmq).
        var generator = Assert.Single(Kustomization.Load("deploy/rabbitmq").File.MapsAt("configMapGenerator"));
        Assert.Equal(generator.StringAt("name"), volume.MapAt("configMap").StringAt("name"));
        Assert.Equal(["broker-access.json", "apply-broker-access.py"], generator.ListAt("files").Cast<string>().Order().Reverse());

        var secret = Assert.Single(container.MapsAt("envFrom")).MapAt("secretRef").StringAt("name");
        Assert.Equal(ExampleSecrets.BrokerAccess, secret);
        foreach (var variable in BrokerAccessPolicy.PasswordVariables()
                     .Concat(["RABBITMQ_MANAGEMENT_URL", "RABBITMQ_MANAGEMENT_USER", "RABBITMQ_MANAGEMENT_PASSWORD"]))
            Assert.True(Examples[secret].Has(variable), $"the example Secret {secret} lacks {variable}");
    }

    [Fact]
    public void Every_secret_a_pod_reads_is_named_with_the_same_key_in_the_example_secrets()
    {
        var workloads = new[] { "deploy/k8s", "deploy/k8s/setup", "deploy/k8s-staging" }
            .SelectMany(folder => Kustomization.Load(folder).PodSpecs()).ToList();
        Assert.Equal(4, workloads.Select(w => w.Workload).Distinct().Count()); // the service, two Jobs, staging's simulator

        foreach (var (workload, podSpec, _) in workloads)
        {
            foreach (var container in podSpec.MapsAt("containers"))
            {
                foreach (var env in container.Has("env") ? container.MapsAt("env") : [])
                {
                    if (!env.Has("valueFrom") || !env.MapAt("valueFrom").Has("secretKeyRef"))
                        continue;
                    var reference = env.Path("valueFrom.secretKeyRef");
                    Assert.True(Examples.ContainsKey(reference.StringAt("name")), $"{workload}: no example Secret {reference.StringAt("name")}");
                    Assert.True(Examples[reference.StringAt("name")].Has(reference.StringAt("key")),
                        $"{workload}: the example Secret {reference.StringAt("name")} lacks {reference.StringAt("key")}");
                }

                foreach (var from in container.Has("envFrom") ? container.MapsAt("envFrom") : [])
                {
                    if (from.Has("secretRef"))
                        Assert.True(Examples.ContainsKey(from.MapAt("secretRef").StringAt("name")), $"{workload}: no example Secret {from.MapAt("secretRef").StringAt("name")}");
                }
            }
        }
    }

    [Fact]
    public void The_Jobs_run_hardened_like_the_service()
    {
        foreach (var (workload, podSpec, _) in Setup.PodSpecs())
        {
            Assert.Equal("false", podSpec.StringAt("automountServiceAccountToken"));
            Assert.Equal("true", podSpec.MapAt("securityContext").StringAt("runAsNonRoot"));
            var container = Assert.Single(podSpec.MapsAt("containers"));
            var security = container.MapAt("securityContext");
            Assert.True(security.StringAt("readOnlyRootFilesystem") == "true", $"{workload} has a writable root filesystem");
            Assert.Equal("false", security.StringAt("allowPrivilegeEscalation"));
            Assert.Equal(["ALL"], security.MapAt("capabilities").ListAt("drop"));
            Assert.NotEmpty(container.Path("resources.limits").StringAt("memory"));
        }
    }

    private static Dictionary<string, Yaml.Map> EnvOf(Yaml.Map container) =>
        container.MapsAt("env").ToDictionary(e => e.StringAt("name"));

    private static (string Name, string Tag) SplitImage(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
            return (image[..at], image[(at + 1)..]);
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "");
    }

    /// <summary>A release number (1.0.0, 3.13.7-management), or a digest; never latest or a bare major.</summary>
    [GeneratedRegex(@"^(\d+\.\d+(\.\d+)?([-.][A-Za-z0-9.]+)?|sha256:[0-9a-f]{64})$")]
    private static partial Regex PinnedTag();
}
