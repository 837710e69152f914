namespace ReportSaga.Service.Defaults;

/// <summary>The operator's health URLs and the tag that puts a check into readiness.</summary>
public static class HealthEndpoints
{
    /// <summary>Liveness: answers 200 while the process serves HTTP and no part of it is wedged (checks tagged
    /// <see cref="LiveTag"/>). A broker or database outage never fails it: a restart would not fix that.</summary>
    public const string Live = "/health/live";

    /// <summary>The tag of the checks liveness runs: only conditions that a restart of the process cures.</summary>
    public const string LiveTag = "live";

    /// <summary>Readiness: runs every check tagged <see cref="ReadyTag"/> (the bus, the database).</summary>
    public const string Ready = "/health/ready";

    /// <summary>The tag MassTransit gives its bus check; persistence tags its database check the same way.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Every health URL starts with this; requests to it are left out of traces.</summary>
    public const string Prefix = "/health";
}
