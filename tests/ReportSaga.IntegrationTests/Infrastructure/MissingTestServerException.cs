namespace ReportSaga.IntegrationTests.Infrastructure;

/// <summary>
/// No server for the integration tests: neither an environment variable names one nor can
/// Testcontainers start one. A failure, never a skip, so a run without servers cannot look green.
/// </summary>
public sealed class MissingTestServerException(string server, string variable, string example, Exception? dockerProblem)
    : Exception(
        $"The integration tests need {server}, and none is available. Set {variable} (for example {example}), " +
        $"or make a Docker engine reachable so Testcontainers can start one" +
        (dockerProblem is null ? "." : $" (Docker: {dockerProblem.Message}).") +
        " `bash scripts/test.sh` installs and starts a local one and sets the variables.",
        dockerProblem);
