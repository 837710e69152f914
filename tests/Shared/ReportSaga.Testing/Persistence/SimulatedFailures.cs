namespace ReportSaga.Testing.Persistence;

/// <summary>
/// The failures the persistence tests cause on purpose: a crash after the commit (<see cref="SimulatedCrashException"/>)
/// and a test consumer failing after its work (<see cref="InvalidOperationException"/>). The test hosts' message retry
/// leaves them to the test, which delivers the message again itself, as a restarted process would receive it.
/// </summary>
public static class SimulatedFailures
{
    public static bool Match(Exception exception) => exception is SimulatedCrashException or InvalidOperationException;
}
