namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// How long storage work waits out a database that cannot be reached: about five minutes, backing off to 30 s. The
/// service's message retry and the recording of an accepted submission use the same budget.
/// </summary>
public static class StorageOutage
{
    public const int Attempts = 15;
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(30);
}
