namespace ReportSaga.Orchestration.Consumers;

/// <summary>A <c>RequestReport</c> that cannot even be tied to a report; it goes to the error queue with this message.</summary>
public sealed class InvalidReportRequestException(string message) : Exception(message);
