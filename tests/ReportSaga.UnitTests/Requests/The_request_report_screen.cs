using System.Text.RegularExpressions;
using CsCheck;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Requests;

namespace ReportSaga.UnitTests.Requests;

/// <summary>
/// Property-based tests of <see cref="RequestReportScreen"/>, the check every <c>RequestReport</c> body passes before
/// it is parsed: thousands of generated bodies, valid, broken field by field, broken as JSON, too deep, too large, in
/// both framings. Each property is checked against MassTransit's own deserializer, so the screen and the reader that
/// follows it cannot disagree.
/// </summary>
public sealed partial class The_request_report_screen
{
    private const long Iterations = 3000;

    /// <summary>Small, so generated bodies cross it often; the size rule is the same at any limit.</summary>
    private const long SmallLimit = 2048;

    private static readonly Gen<RequestReportFraming> Framing = Gen.OneOf(RequestReportFraming.PlainJson, RequestReportFraming.Envelope);

    /// <summary>
    /// Any body: a request-like object (fields valid or broken), mangled now and then, in either framing; now and then
    /// an envelope that names another message type (<c>Foreign</c>).
    /// </summary>
    private static readonly Gen<(RequestReportFraming Framing, string Body, bool Foreign)> AnyBody =
        Gen.Select(Framing, JsonBodies.Mangled(JsonBodies.RequestObject), Gen.Int[0, 19], (framing, message, draw) =>
            framing == RequestReportFraming.Envelope
                ? draw == 0
                    ? (framing, JsonBodies.Envelope(message, "urn:message:ReportSaga.Contracts:CancelReport"), true)
                    : (framing, JsonBodies.Envelope(message), false)
                : (framing, message, false));

    [GeneratedRegex(@"^(RequestReport(\.(requestId|report|maxCredits|requestedBy|context|deadline|priority)\b| is | nests | must | has | does not match its schema |'s MassTransit envelope )|The message names another type)")]
    private static partial Regex NamesAFieldOrLimit();

    [Fact]
    public void Any_body_either_passes_or_yields_exactly_one_reason_naming_a_field_and_never_throws()
    {
        AnyBody.Sample(sample =>
        {
            var (framing, body, foreign) = sample;
            var verdict = RequestReportScreen.Screen(JsonBodies.Utf8(body), framing, SmallLimit);
            if (foreign && verdict.Outcome == RequestReportOutcome.OtherMessageType)
                return;

            switch (verdict.Outcome)
            {
                case RequestReportOutcome.Accepted:
                    Assert.Null(verdict.Problem);
                    Assert.NotEqual(Guid.Empty, verdict.RequestId!.Value);
                    break;
                case RequestReportOutcome.Refused:
                    Assert.NotEqual(Guid.Empty, verdict.RequestId!.Value);
                    Assert.Matches(NamesAFieldOrLimit(), verdict.Problem!);
                    break;
                case RequestReportOutcome.Unreadable:
                    Assert.Null(verdict.RequestId);
                    Assert.Matches(NamesAFieldOrLimit(), verdict.Problem!);
                    break;
                default:
                    Assert.Fail($"The body names RequestReport, or is too large to read, yet the outcome was {verdict.Outcome}.");
                    break;
            }
        }, iter: Iterations, threads: 1, print: s => s.Body);
    }

    [Fact]
    public void A_body_that_passes_is_read_by_MassTransit_as_the_same_request_and_meets_every_field_rule()
    {
        AnyBody.Sample(sample =>
        {
            var (framing, body, _) = sample;
            var bytes = JsonBodies.Utf8(body);
            var verdict = RequestReportScreen.Screen(bytes, framing, SmallLimit);
            if (verdict.Outcome != RequestReportOutcome.Accepted)
                return;

            var message = RequestReportDeserialization.TryRead(bytes, framing);
            Assert.NotNull(message);
            Assert.Equal(verdict.RequestId, message.RequestId);
            Assert.Null(RequestReportRules.FindProblem(message));
        }, iter: Iterations, threads: 1, print: s => s.Body);
    }

    [Fact]
    public void A_body_is_refused_only_when_MassTransit_could_not_read_it_or_a_rule_or_limit_forbids_it()
    {
        AnyBody.Sample(sample =>
        {
            var (framing, body, _) = sample;
            var bytes = JsonBodies.Utf8(body);
            var verdict = RequestReportScreen.Screen(bytes, framing, SmallLimit);
            if (verdict.Outcome is RequestReportOutcome.Accepted or RequestReportOutcome.OtherMessageType)
                return;

            var withinLimits = bytes.Length <= SmallLimit && !verdict.Problem!.Contains(" nests ", StringComparison.Ordinal);
            var message = RequestReportDeserialization.TryRead(bytes, framing);
            var forbidden = !withinLimits || message is null || message.RequestId == Guid.Empty || RequestReportRules.FindProblem(message) is not null
                            || RequestReportDeserialization.RepeatsAField(bytes, framing);
            Assert.True(forbidden, $"Refused ({verdict.Problem}) though MassTransit reads it and it breaks no rule.");
        }, iter: Iterations, threads: 1, print: s => s.Body);
    }

    [Fact]
    public void A_valid_request_always_passes_in_either_framing()
    {
        Gen.Select(JsonBodies.ValidRequest, Framing).Sample(sample =>
        {
            var ((requestId, json), framing) = sample;
            var body = framing == RequestReportFraming.Envelope ? JsonBodies.Envelope(json) : json;

            var verdict = RequestReportScreen.Screen(JsonBodies.Utf8(body), framing, RequestsOptions.DefaultMaxBodyBytes);

            Assert.Equal(RequestReportOutcome.Accepted, verdict.Outcome);
            Assert.Equal(requestId, verdict.RequestId);
        }, iter: Iterations, threads: 1, print: s => s.Item1.Json);
    }

    [Fact]
    public void A_request_above_the_size_limit_is_refused_by_its_request_id_naming_the_setting()
    {
        Gen.Select(JsonBodies.ValidRequest, Framing, Gen.Int[1, 5000]).Sample(sample =>
        {
            var ((requestId, json), framing, excess) = sample;
            var padded = json[..^1] + $",\"padding\":\"{new string('x', (int)SmallLimit + excess)}\"}}";
            var body = JsonBodies.Utf8(framing == RequestReportFraming.Envelope ? JsonBodies.Envelope(padded) : padded);

            var verdict = RequestReportScreen.Screen(body, framing, SmallLimit);

            Assert.Equal(RequestReportOutcome.Refused, verdict.Outcome);
            Assert.Equal(requestId, verdict.RequestId);
            Assert.Equal($"RequestReport is {body.Length:N0} bytes, above the limit of 2,048 (Requests__MaxBodyBytes).", verdict.Problem);
        }, iter: 500, threads: 1, print: s => s.Item1.Json);
    }

    [Fact]
    public void A_refused_request_reaches_the_consumer_as_its_id_alone()
    {
        AnyBody.Sample(sample =>
        {
            var (framing, body, _) = sample;
            var verdict = RequestReportScreen.Screen(JsonBodies.Utf8(body), framing, SmallLimit);
            if (verdict.Outcome != RequestReportOutcome.Refused)
                return;

            var message = RequestReportDeserialization.TryRead(RequestReportScreen.RefusedBody(verdict), RequestReportFraming.PlainJson);

            Assert.NotNull(message);
            Assert.Equal(verdict.RequestId, message.RequestId);
            Assert.Null(message.Report);
            Assert.Null(message.MaxCredits);
            Assert.Null(RequestReportRules.RequestedBy(message.RequestedBy));
        }, iter: Iterations, threads: 1, print: s => s.Body);
    }
}
