namespace ReportSaga.UnitTests.Deploy;

/// <summary>deploy/k8s: a hardened, probed, three-replica Deployment configured from a ConfigMap and a Secret.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Base = RepositoryRoot.File("deploy", "k8s");

    private static readonly Kustomization Main = Kustomization.Load("deploy/k8s");

    private static readonly IReadOnlyList<Yaml.Map> Resources = Main.Resources;

    private static readonly Yaml.Map Deployment = Single("Deployment", "report-saga");
    private static readonly Yaml.Map PodSpec = Deployment.Path("spec.template.spec");
    private static readonly Yaml.Map Container = Assert.Single(PodSpec.MapsAt("containers"));

    public static TheoryData<string> ManifestFiles()
    {
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "k8s", "k8s-staging" })
        {
            foreach (var file in Directory.GetFiles(RepositoryRoot.File("deploy", folder), "*.yaml", SearchOption.AllDirectories).Order())
            {
                data.Add(Path.GetRelativePath(RepositoryRoot.Path, file));
            }
        }

        data.Add(Path.Combine("deploy", "rabbitmq", "kustomization.yaml"));

        return data;
    }

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void Every_manifest_parses_and_names_its_kind(string file)
    {
        var documents = Yaml.LoadAll(RepositoryRoot.File(file));

        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            Assert.NotEmpty(document.StringAt("apiVersion"));
            Assert.NotEmpty(document.StringAt("kind"));
            if (document.StringAt("kind") != "Kustomization")
            {
                Assert.NotEmpty(document.MapAt("metadata").StringAt("name"));
            }
        }
    }

    [Fact]
    public void The_kustomization_lists_every_manifest_except_the_example_secret()
    {
        var listed = Yaml.Load(Path.Combine(Base, "kustomization.yaml")).ListAt("resources").Cast<string>().Order();
        var present = Directory.GetFiles(Base, "*.yaml").Select(Path.GetFileName)
            .Where(name => name is not "kustomization.yaml" and not "secret.example.yaml").Order();

        Assert.Equal(present, listed);
        Assert.DoesNotContain(Resources, r => r.StringAt("kind") == "Secret");
    }

    [Fact]
    public void The_service_runs_three_replicas_with_rolling_updates_that_keep_capacity()
    {
        Assert.Equal("3", Deployment.Path("spec").StringAt("replicas"));
        Assert.Equal("0", Deployment.Path("spec.strategy.rollingUpdate").StringAt("maxUnavailable"));
    }

    [Fact]
    public void Probes_use_the_health_endpoints_on_the_container_port()
    {
        var port = Assert.Single(Container.MapsAt("ports"));
        Assert.Equal("8080", port.StringAt("containerPort"));

        Assert.Equal("/health/ready", Container.Path("readinessProbe.httpGet").StringAt("path"));
        Assert.Equal("/health/live", Container.Path("livenessProbe.httpGet").StringAt("path"));
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            Assert.Equal(port.StringAt("name"), Container.Path($"{probe}.httpGet").StringAt("port"));
        }
    }

    [Fact]
    public void The_container_has_cpu_and_memory_requests_and_limits()
    {
        foreach (var kind in new[] { "requests", "limits" })
        {
            var resources = Container.Path($"resources.{kind}");
            Assert.NotEmpty(resources.StringAt("cpu"));
            Assert.NotEmpty(resources.StringAt("memory"));
        }
    }

    [Fact]
    public void The_pod_runs_as_non_root_on_a_read_only_filesystem_with_a_writable_tmp()
    {
        Assert.Equal("true", PodSpec.MapAt("securityContext").StringAt("runAsNonRoot"));
        Assert.NotEqual("0", PodSpec.MapAt("securityContext").StringAt("runAsUser"));

        var security = Container.MapAt("securityContext");
        Assert.Equal("true", security.StringAt("runAsNonRoot"));
        Assert.Equal("true", security.StringAt("readOnlyRootFilesystem"));
        Assert.Equal("false", security.StringAt("allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], security.MapAt("capabilities").ListAt("drop"));

        var tmp = Assert.Single(Container.MapsAt("volumeMounts"), m => m.StringAt("mountPath") == "/tmp");
        var volume = Assert.Single(PodSpec.MapsAt("volumes"), v => v.StringAt("name") == tmp.StringAt("name"));
        Assert.True(volume.Has("emptyDir"));
    }

    [Fact]
    public void Connection_strings_and_the_api_key_come_from_the_secret_whose_example_names_the_same_keys()
    {
        var examples = ExampleSecrets.Load();
        var env = Container.MapsAt("env").ToDictionary(e => e.StringAt("name"));

        foreach (var setting in ContractSettings.Secrets)
        {
            var reference = env[setting].Path("valueFrom.secretKeyRef");
            Assert.Equal(ExampleSecrets.Service, reference.StringAt("name"));
            Assert.True(examples[ExampleSecrets.Service].Has(reference.StringAt("key")), $"the example Secret lacks {reference.StringAt("key")}");
        }

        var configMap = Single("ConfigMap", ConfigMapName()).MapAt("data");
        Assert.DoesNotContain(configMap.Keys, key => ContractSettings.Secrets.Contains(key));
    }

    [Fact]
    public void Every_contract_setting_is_set_from_the_configmap_or_the_container_env()
    {
        var fromEnv = Container.MapsAt("env").Select(e => e.StringAt("name"));
        var fromConfigMap = Single("ConfigMap", ConfigMapName()).MapAt("data").Keys;
        var set = fromEnv.Concat(fromConfigMap).ToHashSet();

        Assert.All(ContractSettings.All, setting => Assert.Contains(setting, set));
        Assert.Equal("Production", Container.MapsAt("env").Single(e => e.StringAt("name") == "DOTNET_ENVIRONMENT").StringAt("value"));
    }

    [Fact]
    public void The_service_and_the_disruption_budget_select_the_deployments_pods()
    {
        var podLabels = Deployment.Path("spec.template.metadata.labels").Values;
        var service = Single("Service", "report-saga");
        var budget = Single("PodDisruptionBudget", "report-saga");

        foreach (var selector in new[] { service.Path("spec.selector").Values, budget.Path("spec.selector.matchLabels").Values })
        {
            Assert.All(selector, label => Assert.Equal(label.Value, podLabels[label.Key]));
        }

        Assert.Equal("http", Assert.Single(service.Path("spec").MapsAt("ports")).StringAt("targetPort"));
        Assert.Equal("1", budget.Path("spec").StringAt("maxUnavailable"));
    }

    private static string ConfigMapName() =>
        Assert.Single(Container.MapsAt("envFrom")).MapAt("configMapRef").StringAt("name");

    private static Yaml.Map Single(string kind, string name) => Main.Single(kind, name);
}
