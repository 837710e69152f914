namespace ReportSaga.EndToEndBench.Infrastructure;

/// <summary>One normalised statement on the benchmark's database: how often it ran and the server's time running it.</summary>
internal sealed record StatementCount(string Query, long Calls, TimeSpan ServerTime);
