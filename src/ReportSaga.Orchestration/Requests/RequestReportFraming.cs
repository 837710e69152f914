namespace ReportSaga.Orchestration.Requests;

/// <summary>Where the <c>RequestReport</c> sits in a transport body.</summary>
public enum RequestReportFraming
{
    /// <summary><c>application/json</c>: the body is the message itself.</summary>
    PlainJson,

    /// <summary><c>application/vnd.masstransit+json</c>: the message is the envelope's <c>message</c> property.</summary>
    Envelope,
}
