namespace ReportSaga.UnitTests.Deploy;

/// <summary>docker-compose.yml brings up the whole system: infrastructure, simulator, two configured replicas.</summary>
public sealed class ComposeFileTests
{
    private static readonly Yaml.Map Services = Yaml.Load(RepositoryRoot.File("docker-compose.yml")).MapAt("services");

    private static IEnumerable<(string Name, Yaml.Map Service)> Replicas() =>
        Services.Keys.Select(name => (name, Services.MapAt(name)))
            .Where(s => s.Item2.Has("build") && s.Item2.MapAt("build").StringAt("dockerfile") == "deploy/service.Dockerfile");

    [Fact]
    public void It_runs_rabbitmq_with_its_management_ui_postgres_jaeger_and_the_simulator()
    {
        Assert.StartsWith("rabbitmq:3-management", Services.MapAt("rabbitmq").StringAt("image"));
        Assert.Equal(["5672:5672", "15672:15672"], Services.MapAt("rabbitmq").ListAt("ports"));
        Assert.Matches(@"^postgres:1[56]", Services.MapAt("postgres").StringAt("image"));
        Assert.StartsWith("jaegertracing/all-in-one:", Services.MapAt("jaeger").StringAt("image"));
        Assert.Equal(["16686:16686", "4317:4317", "4318:4318"], Services.MapAt("jaeger").ListAt("ports"));
        Assert.Equal("deploy/simulator.Dockerfile", Services.MapAt("simulator").MapAt("build").StringAt("dockerfile"));
    }

    [Fact]
    public void It_runs_two_service_replicas_built_from_the_service_Dockerfile_on_different_host_ports()
    {
        var replicas = Replicas().ToList();

        Assert.Equal(2, replicas.Count);
        var hostPorts = replicas.Select(r => Assert.Single(r.Service.ListAt("ports"))!.ToString()!.Split(':')[0]);
        Assert.Equal(2, hostPorts.Distinct().Count());
    }

    [Fact]
    public void Every_replica_sets_every_contract_setting_pointing_at_the_compose_services()
    {
        foreach (var (name, service) in Replicas())
        {
            var environment = service.MapAt("environment");
            foreach (var setting in ContractSettings.All)
            {
                Assert.True(environment.Has(setting) && environment.StringAt(setting).Length > 0, $"{name} does not set {setting}");
            }

            Assert.Equal("Production", environment.StringAt("DOTNET_ENVIRONMENT"));
            Assert.StartsWith("amqp://", environment.StringAt(ContractSettings.RabbitMq));
            Assert.Contains("@rabbitmq:5672", environment.StringAt(ContractSettings.RabbitMq));
            Assert.Contains("Host=postgres", environment.StringAt(ContractSettings.Postgres));
            Assert.Equal("http://simulator:8080", environment.StringAt(ContractSettings.BaseUrl));
            Assert.Equal(Services.MapAt("simulator").MapAt("environment").StringAt("Simulator__ApiKeys"), environment.StringAt(ContractSettings.ApiKey));
            Assert.Equal("http://jaeger:4317", environment.StringAt("OTEL_EXPORTER_OTLP_ENDPOINT"));
            foreach (var interval in new[] { "Polling__InitialInterval", "Polling__MaxInterval", "Reports__Deadline" })
            {
                Assert.True(TimeSpan.TryParse(environment.StringAt(interval), out _), $"{name}: {interval} is not a TimeSpan");
            }
        }
    }

    [Fact]
    public void Replicas_start_after_the_broker_database_and_simulator_report_healthy()
    {
        foreach (var (name, service) in Replicas())
        {
            var dependsOn = service.MapAt("depends_on");
            foreach (var dependency in new[] { "rabbitmq", "postgres", "simulator" })
            {
                Assert.Equal("service_healthy", dependsOn.MapAt(dependency).StringAt("condition"));
                Assert.True(Services.MapAt(dependency).Has("healthcheck"), $"{dependency} has no healthcheck for {name} to wait on");
            }
        }
    }

    [Fact]
    public void Replicas_report_healthy_through_the_readiness_endpoint()
    {
        foreach (var (_, service) in Replicas())
        {
            var test = string.Join(' ', service.MapAt("healthcheck").ListAt("test"));
            Assert.Contains("GET /health/ready", test);
        }
    }

    [Fact]
    public void Replicas_are_started_again_when_they_exit_by_themselves()
    {
        // The service exits with code 75 when a receive endpoint is wedged (StuckEndpointWatchdog) and relies on
        // its supervisor to start it again.
        foreach (var (name, service) in Replicas())
        {
            Assert.True(service.Has("restart"), $"{name} has no restart policy");
            Assert.Contains(service.StringAt("restart"), new[] { "always", "unless-stopped", "on-failure" });
        }
    }
}
