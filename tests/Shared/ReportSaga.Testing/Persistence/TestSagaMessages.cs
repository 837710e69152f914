namespace ReportSaga.Testing.Persistence;

public sealed record StartTestReport(Guid ReportRequestId, string Body);

public sealed record BumpTestReport(Guid ReportRequestId);

public sealed record FinishTestReport(Guid ReportRequestId);

public sealed record TestReportBumped(Guid ReportRequestId, int PollCount);
