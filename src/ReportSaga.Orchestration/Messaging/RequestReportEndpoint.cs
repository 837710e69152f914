using MassTransit;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Requests;

namespace ReportSaga.Orchestration.Messaging;

/// <summary>
/// The receive endpoint where <c>RequestReport</c> enters ReportSaga. Publishers may send it with a
/// MassTransit envelope (<c>application/vnd.masstransit+json</c>) or as plain JSON
/// (<c>application/json</c>, the message itself), both to the <c>ReportSaga.Contracts:RequestReport</c> exchange.
/// </summary>
public static class RequestReportEndpoint
{
    /// <summary>The queue name of the endpoint that hosts the <c>RequestReport</c> consumer.</summary>
    public const string Name = "report-requests";

    /// <summary>
    /// Lets the endpoint read plain JSON bodies as well as MassTransit envelopes, and screens both against the request
    /// limits (<paramref name="maxBodyBytes"/>, field rules) before they are parsed (<see cref="RequestReportScreen"/>).
    /// </summary>
    /// <remarks>
    /// Host exactly one consumer, of <c>RequestReport</c>, on this endpoint: a plain JSON body names no
    /// message type, so MassTransit hands it to every consumer of the endpoint as whatever type that
    /// consumer takes. Alone on its endpoint, and so bound only to the <c>RequestReport</c> exchange,
    /// the consumer is the only reader of such bodies. Options: no <c>AnyMessageType</c>, so a raw
    /// body whose transport headers do name another message type is not taken for a <c>RequestReport</c>;
    /// not the default deserializer, so the content type decides (envelopes keep MassTransit's own reader,
    /// behind the same screen; so does a body with no or an unknown content type, which is read as an envelope).
    /// </remarks>
    public static void ConfigureRequestReportEntry(this IReceiveEndpointConfigurator endpoint, long maxBodyBytes = RequestsOptions.DefaultMaxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        endpoint.AddDeserializer(new RequestReportScreeningSerializerFactory(
            new MassTransit.Configuration.SystemTextJsonRawMessageSerializerFactory(RawSerializerOptions.Default), RequestReportFraming.PlainJson, maxBodyBytes));
        endpoint.AddDeserializer(new RequestReportScreeningSerializerFactory(
            new MassTransit.Configuration.SystemTextJsonMessageSerializerFactory(), RequestReportFraming.Envelope, maxBodyBytes));
    }
}
