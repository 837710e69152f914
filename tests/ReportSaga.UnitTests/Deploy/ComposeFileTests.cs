using System.Text.RegularExpressions;

namespace ReportSaga.UnitTests.Deploy;

/// <summary>
/// docker-compose.yml brings up the whole system: infrastructure, simulator, two configured replicas; reachable from
/// this machine only, on pinned images, with every password from .env.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string ComposeText = File.ReadAllText(RepositoryRoot.File("docker-compose.yml"));
    private static readonly Yaml.Map Services = Yaml.Load(RepositoryRoot.File("docker-compose.yml")).MapAt("services");

    private static IEnumerable<(string Name, Yaml.Map Service)> ServicesBuiltFrom(string dockerfile) =>
        Services.Keys.Select(name => (name, Services.MapAt(name)))
            .Where(s => s.Item2.Has("build") && s.Item2.MapAt("build").StringAt("dockerfile") == dockerfile);

    /// <summary>The long-running replicas (the one-shot <c>migrate</c> runs the same image).</summary>
    private static IEnumerable<(string Name, Yaml.Map Service)> Replicas() =>
        ServicesBuiltFrom("deploy/service.Dockerfile").Where(s => !s.Service.Has("command"));

    [Fact]
    public void It_runs_rabbitmq_with_its_management_ui_postgres_the_telemetry_backends_and_the_simulator()
    {
        Assert.Matches(@"^rabbitmq:3\.\d+\.\d+-management$", Services.MapAt("rabbitmq").StringAt("image"));
        Assert.Equal(["127.0.0.1:5672:5672", "127.0.0.1:15672:15672"], Services.MapAt("rabbitmq").ListAt("ports"));
        Assert.Matches(@"^postgres:1[56]\.\d+$", Services.MapAt("postgres").StringAt("image"));
        Assert.StartsWith("jaegertracing/all-in-one:", Services.MapAt("jaeger").StringAt("image"));
        Assert.Equal(["127.0.0.1:16686:16686"], Services.MapAt("jaeger").ListAt("ports"));
        Assert.StartsWith("otel/opentelemetry-collector-contrib:", Services.MapAt("otel-collector").StringAt("image"));
        Assert.Equal(["127.0.0.1:4317:4317", "127.0.0.1:4318:4318"], Services.MapAt("otel-collector").ListAt("ports"));
        Assert.StartsWith("prom/prometheus:", Services.MapAt("prometheus").StringAt("image"));
        Assert.Equal(["127.0.0.1:9090:9090"], Services.MapAt("prometheus").ListAt("ports"));
        Assert.StartsWith("grafana/grafana:", Services.MapAt("grafana").StringAt("image"));
        Assert.Equal(["127.0.0.1:3000:3000"], Services.MapAt("grafana").ListAt("ports"));
        Assert.Equal("deploy/simulator.Dockerfile", Services.MapAt("simulator").MapAt("build").StringAt("dockerfile"));
    }

    [Fact]
    public void It_runs_two_service_replicas_built_from_the_service_Dockerfile_on_different_host_ports()
    {
        var replicas = Replicas().ToList();

        Assert.Equal(2, replicas.Count);
        var hostPorts = replicas.Select(r => Assert.Single(r.Service.ListAt("ports"))!.ToString()!.Split(':')[^2]);
        Assert.Equal(2, hostPorts.Distinct().Count());
    }

    [Fact]
    public void Every_port_is_published_on_the_loopback_address_only()
    {
        foreach (var name in Services.Keys.Where(name => Services.MapAt(name).Has("ports")))
        {
            foreach (var port in Services.MapAt(name).ListAt("ports").Cast<string>())
                Assert.True(port.StartsWith("127.0.0.1:", StringComparison.Ordinal), $"{name} publishes {port} on every interface");
        }
    }

    [Fact]
    public void Every_image_it_pulls_is_pinned_to_an_exact_version()
    {
        foreach (var name in Services.Keys)
        {
            var service = Services.MapAt(name);
            var image = service.StringAt("image");
            if (service.Has("build"))
                Assert.EndsWith(":local", image); // built here from the checkout, never pulled
            else
                Assert.True(ExactVersion().IsMatch(image), $"{name} pulls {image}, which is not pinned to an exact version");
        }
    }

    [Fact]
    public void No_password_or_key_is_written_in_the_file_and_every_one_comes_from_a_variable_of_env_example()
    {
        foreach (var name in Services.Keys.Where(name => Services.MapAt(name).Has("environment")))
        {
            foreach (var (key, value) in Services.MapAt(name).MapAt("environment").Values)
            {
                var text = value?.ToString() ?? "";
                if (SecretKey().IsMatch(key))
                    Assert.True(VariableOnly().IsMatch(text), $"{name}: {key} is not taken from a variable");
                foreach (Match password in EmbeddedPassword().Matches(text))
                    Assert.True(password.Groups["value"].Value.StartsWith("${", StringComparison.Ordinal), $"{name}: {key} holds a written password");
            }
        }

        var example = File.ReadAllLines(RepositoryRoot.File(".env.example"))
            .Where(line => line.Length > 0 && !line.StartsWith('#')).Select(line => line.Split('=', 2)).ToList();
        Assert.All(example, pair => Assert.True(pair.Length == 2 && pair[1].Length == 0, $".env.example gives {pair[0]} a value"));
        var listed = example.Select(pair => pair[0]).ToHashSet();
        var used = Variable().Matches(ComposeText).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.NotEmpty(used);
        Assert.Equal(listed.Order(), used.Order());
    }

    [Fact]
    public void The_env_file_with_the_real_values_is_kept_out_of_git_and_of_the_image_build()
    {
        Assert.Contains(".env", File.ReadAllLines(RepositoryRoot.File(".gitignore")).Select(line => line.Trim()));
        Assert.Contains(".env", File.ReadAllLines(RepositoryRoot.File(".dockerignore")).Select(line => line.Trim()));
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
            Assert.Equal("http://otel-collector:4317", environment.StringAt("OTEL_EXPORTER_OTLP_ENDPOINT"));
            foreach (var interval in new[] { "Polling__InitialInterval", "Polling__MaxInterval", "Reports__Deadline" })
            {
                Assert.True(TimeSpan.TryParse(environment.StringAt(interval), out _), $"{name}: {interval} is not a TimeSpan");
            }
        }
    }

    [Fact]
    public void Replicas_connect_as_the_service_broker_user_and_the_database_role_that_only_reads_and_writes_rows()
    {
        var vhost = BrokerAccessPolicy.VirtualHost;
        foreach (var (name, service) in Replicas())
        {
            var environment = service.MapAt("environment");
            Assert.StartsWith($"amqp://{BrokerAccessPolicy.ServiceUser}:", environment.StringAt(ContractSettings.RabbitMq));
            Assert.EndsWith($"/{vhost}", environment.StringAt(ContractSettings.RabbitMq));
            Assert.Contains("Username=reportsaga_app;", environment.StringAt(ContractSettings.Postgres));
            Assert.True(environment.StringAt("Storage__MigrateOnStartup") == "false", $"{name} migrates at start-up");
        }
    }

    [Fact]
    public void A_one_shot_migrates_the_schema_as_the_owner_role_created_by_the_shipped_roles_script()
    {
        var migrate = Services.MapAt("migrate");
        Assert.Equal("deploy/service.Dockerfile", migrate.MapAt("build").StringAt("dockerfile"));
        Assert.Equal(["migrate"], migrate.ListAt("command"));
        Assert.Equal("no", migrate.StringAt("restart"));
        Assert.Contains("Username=reportsaga_owner;", migrate.MapAt("environment").StringAt(ContractSettings.Postgres));

        var volumes = Services.MapAt("postgres").ListAt("volumes").Cast<string>().ToList();
        Assert.Contains(volumes, v => v.StartsWith("./deploy/postgres/init-roles.sh:/docker-entrypoint-initdb.d/", StringComparison.Ordinal));
        Assert.Contains(volumes, v => v.StartsWith("./deploy/postgres/roles.sql:", StringComparison.Ordinal));
        var init = File.ReadAllText(RepositoryRoot.File("deploy", "postgres", "init-roles.sh"));
        Assert.Contains("owner_role=reportsaga_owner", init);
        Assert.Contains("app_role=reportsaga_app", init);
    }

    [Fact]
    public void A_one_shot_applies_the_shipped_broker_access_policy_with_every_password_it_names()
    {
        var access = Services.MapAt("broker-access");
        Assert.Equal(Services.MapAt("rabbitmq").StringAt("image"), access.StringAt("image"));
        var entrypoint = access.ListAt("entrypoint").Cast<string>().ToList();
        Assert.Equal(["python3", "/broker/apply-broker-access.py", "/broker/broker-access.json"], entrypoint);
        Assert.Contains("./deploy/rabbitmq:/broker:ro", access.ListAt("volumes").Cast<string>());

        var environment = access.MapAt("environment");
        foreach (var variable in BrokerAccessPolicy.PasswordVariables())
            Assert.Matches(@"^\$\{" + variable + @"(:\?[^}]*)?\}$", environment.StringAt(variable));
        Assert.Equal(Services.MapAt("rabbitmq").MapAt("environment").StringAt("RABBITMQ_DEFAULT_USER"), environment.StringAt("RABBITMQ_MANAGEMENT_USER"));
        // The service's password reaches the broker user and the replicas' URI from the same variable.
        var servicePassword = environment.StringAt(BrokerAccessPolicy.PasswordVariables()[0]);
        Assert.All(Replicas(), r => Assert.Contains($":{servicePassword}@", r.Service.MapAt("environment").StringAt(ContractSettings.RabbitMq)));
    }

    [Fact]
    public void The_broker_refuses_messages_larger_than_twice_the_services_request_limit()
    {
        var mount = Assert.Single(Services.MapAt("rabbitmq").ListAt("volumes").Cast<string>());
        Assert.StartsWith("./deploy/rabbitmq/rabbitmq.conf:/etc/rabbitmq/conf.d/", mount);
        var setting = File.ReadAllLines(RepositoryRoot.File("deploy", "rabbitmq", "rabbitmq.conf"))
            .Select(line => line.Trim()).Single(line => line.StartsWith("max_message_size", StringComparison.Ordinal));
        // Requests__MaxBodyBytes defaults to 256 KiB: a request up to that size must still reach the service (and get
        // its answer), while anything far bigger is stopped at the broker.
        Assert.Equal(512 * 1024, int.Parse(setting.Split('=')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Replicas_start_after_the_schema_and_the_broker_users_are_in_place_and_the_rest_reports_healthy()
    {
        foreach (var (name, service) in Replicas())
        {
            var dependsOn = service.MapAt("depends_on");
            foreach (var dependency in new[] { "rabbitmq", "postgres", "simulator" })
            {
                Assert.Equal("service_healthy", dependsOn.MapAt(dependency).StringAt("condition"));
                Assert.True(Services.MapAt(dependency).Has("healthcheck"), $"{dependency} has no healthcheck for {name} to wait on");
            }

            foreach (var oneShot in new[] { "migrate", "broker-access" })
                Assert.Equal("service_completed_successfully", dependsOn.MapAt(oneShot).StringAt("condition"));
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

    /// <summary>name:1.2.3 (or v1.2.3), name:1.2.3-variant, or a digest.</summary>
    [GeneratedRegex(@"^[a-z0-9./-]+(:v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?|@sha256:[0-9a-f]{64})$")]
    private static partial Regex ExactVersion();

    [GeneratedRegex(@"(?i)pass|api_?keys?$|secret|token")]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"^\$\{[A-Z0-9_]+(:\?[^}]*)?\}$")]
    private static partial Regex VariableOnly();

    /// <summary>A password inside a connection string (Password=…) or a URI's user info (scheme://user:…@).</summary>
    [GeneratedRegex(@"(?i)password=(?<value>[^;]*)|://[^:/@\s]+:(?<value>[^@]*)@")]
    private static partial Regex EmbeddedPassword();

    [GeneratedRegex(@"\$\{([A-Z0-9_]+)")]
    private static partial Regex Variable();
}
