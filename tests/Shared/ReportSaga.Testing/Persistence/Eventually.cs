namespace ReportSaga.Testing.Persistence;

/// <summary>Waits for an asynchronous outcome without asserting how long it takes (the limit only stops a hung test).</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
                return value;
            await Task.Delay(20);
        }
    }
}
