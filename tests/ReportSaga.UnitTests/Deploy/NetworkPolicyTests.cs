namespace ReportSaga.UnitTests.Deploy;

/// <summary>
/// The NetworkPolicies: everything in the namespace is denied by default; the service's pods take the HTTP port only
/// and reach only DNS, RabbitMQ, PostgreSQL, public HTTPS (the provider) and the telemetry collector; each set-up Job
/// reaches only what it needs.
/// </summary>
public sealed class NetworkPolicyTests
{
    private static readonly Kustomization Main = Kustomization.Load("deploy/k8s");
    private static readonly Kustomization Setup = Kustomization.Load("deploy/k8s/setup");

    private static readonly Yaml.Map ServicePolicy = Main.Single("NetworkPolicy", "report-saga-service");

    [Fact]
    public void A_default_policy_denies_all_ingress_and_egress_in_the_namespace()
    {
        var deny = Main.Single("NetworkPolicy", "default-deny");

        Assert.Empty(deny.Path("spec.podSelector").Values);
        Assert.Equal(["Ingress", "Egress"], deny.Path("spec").ListAt("policyTypes"));
        Assert.False(deny.Path("spec").Has("ingress"));
        Assert.False(deny.Path("spec").Has("egress"));
    }

    [Fact]
    public void Every_workload_is_selected_by_a_policy_of_its_own()
    {
        var policies = Main.Resources.Concat(Setup.Resources).Where(r => r.StringAt("kind") == "NetworkPolicy")
            .Where(p => p.Path("spec.podSelector").Has("matchLabels")).ToList();

        foreach (var (workload, _, labels) in Main.PodSpecs().Concat(Setup.PodSpecs()))
        {
            Assert.True(policies.Any(p => Selects(p, labels)), $"no NetworkPolicy selects the pods of {workload}");
        }
    }

    [Fact]
    public void The_service_pods_take_connections_on_their_HTTP_port_only()
    {
        var deployment = Main.Single("Deployment", "report-saga");
        Assert.True(Selects(ServicePolicy, deployment.Path("spec.template.metadata.labels")));

        var rule = Assert.Single(ServicePolicy.Path("spec").MapsAt("ingress"));
        var port = Assert.Single(rule.MapsAt("ports"));
        var containerPort = Assert.Single(Assert.Single(deployment.Path("spec.template.spec").MapsAt("containers")).MapsAt("ports"));
        Assert.Equal(containerPort.StringAt("name"), port.StringAt("port"));
        Assert.Equal("TCP", port.StringAt("protocol"));
    }

    [Fact]
    public void The_service_pods_reach_only_dns_the_broker_the_database_public_https_and_the_collector()
    {
        var egress = ServicePolicy.Path("spec").MapsAt("egress");
        var ports = egress.SelectMany(rule => rule.MapsAt("ports")).Select(p => p.StringAt("port")).Distinct().Order();

        Assert.Equal(["4317", "443", "53", "5432", "5671", "5672"], ports);
        // HTTPS is to public addresses only: not to in-cluster or private services, nor the cloud's metadata address.
        var https = Assert.Single(egress, rule => rule.MapsAt("ports").Any(p => p.StringAt("port") == "443"));
        var block = Assert.Single(https.MapsAt("to")).MapAt("ipBlock");
        Assert.Equal("0.0.0.0/0", block.StringAt("cidr"));
        Assert.Superset(new HashSet<object?> { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16" },
            block.ListAt("except").ToHashSet());
    }

    [Fact]
    public void The_set_up_Jobs_reach_only_dns_and_the_database_or_the_broker_management_api()
    {
        var expected = new Dictionary<string, string[]>
        {
            ["report-saga-migrate"] = ["53", "5432"],
            ["report-saga-broker-access"] = ["15671", "15672", "53"],
        };

        foreach (var (name, ports) in expected)
        {
            var policy = Setup.Single("NetworkPolicy", name);
            Assert.False(policy.Path("spec").Has("ingress"));
            Assert.Equal(["Ingress", "Egress"], policy.Path("spec").ListAt("policyTypes"));
            var allowed = policy.Path("spec").MapsAt("egress").SelectMany(rule => rule.MapsAt("ports")).Select(p => p.StringAt("port"));
            Assert.Equal(ports, allowed.Distinct().Order());
            var job = Setup.Single("Job", name);
            Assert.True(Selects(policy, job.Path("spec.template.metadata.labels")), $"{name}'s policy does not select its pods");
        }
    }

    private static bool Selects(Yaml.Map policy, Yaml.Map podLabels)
    {
        var selector = policy.Path("spec.podSelector");
        return selector.Has("matchLabels")
            && selector.MapAt("matchLabels").Values.All(label => podLabels.Values.TryGetValue(label.Key, out var value) && Equals(value, label.Value));
    }
}
