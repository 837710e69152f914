namespace ReportSaga.Orchestration.Requests;

/// <summary>
/// Left on the receive context by the entry endpoint's deserializer when it refused a <c>RequestReport</c> it could
/// tie to a request id: the consumer then sees only the id (and a valid <c>requestedBy</c>) and this problem, and
/// the report's saga ends it as <c>invalid</c>.
/// </summary>
public sealed record RequestReportRefusal(string Problem);
