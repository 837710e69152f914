using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace ReportSaga.BatchApi;

/// <summary>
/// The Batch API over HTTP. Every call returns a <see cref="BatchApiResult{T}"/>; only caller cancellation and
/// configuration mistakes surface as exceptions. Retries of idempotent calls happen in the HttpClient's resilience
/// pipeline (see <see cref="BatchApiServiceCollectionExtensions"/>); request-report goes through a pipeline
/// without retries, so it reaches the provider at most once per call.
/// </summary>
public sealed partial class BatchApiClient : IBatchApiClient
{
    /// <summary>The header that carries the key. A secret: redacted from HttpClient logs.</summary>
    public const string ApiKeyHeader = "api-key";

    // The largest response body read; Batch API answers are small, a runaway body is cut rather than buffered.
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _idempotent;
    private readonly HttpClient _submission;
    private readonly IOptionsMonitor<BatchApiOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BatchApiClient> _logger;

    public BatchApiClient(
        HttpClient httpClient,
        IHttpClientFactory httpClientFactory,
        IOptionsMonitor<BatchApiOptions> options,
        TimeProvider time,
        ILogger<BatchApiClient> logger)
    {
        _idempotent = httpClient;
        _submission = httpClientFactory.CreateClient(BatchApiHttpClientNames.Submission);
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async Task<BatchApiResult<ValidationResult>> ValidateAsync(JsonElement report, CancellationToken cancellationToken = default)
    {
        var options = _options.CurrentValue;
        var exchange = await ExchangeAsync(BatchApiCall.Validate, HttpMethod.Post, options.ValidatePath, report, options, cancellationToken);

        // Some versions say "invalid" with HTTP 200, others with 400: both carry is_valid=false and errors.
        BatchApiResult<ValidationResult> result;
        if (exchange.StatusCode is 200 or 400 && JsonReading.TryParseObject(exchange.Body) is { } root &&
            (JsonReading.Bool(root, "is_valid") == false || exchange.StatusCode == 400))
        {
            var errors = ErrorTexts.FromJson(root);
            if (errors.Count == 0)
            {
                errors.Add(ErrorTexts.Describe(exchange));
            }

            result = BatchApiResult<ValidationResult>.Failure(
                BatchApiOutcome.Invalid, ErrorTexts.Redact(errors, options.ApiKey), exchange.StatusCode);
        }
        else
        {
            result = Interpret(BatchApiCall.Validate, exchange, options, root =>
                JsonReading.Bool(root, "is_valid") is null && JsonReading.Property(root, "estimated_credits") is null
                    ? null
                    : new ValidationResult(
                        JsonReading.Long(root, "estimated_credits") ?? 0,
                        JsonReading.Array(root, "warnings")));
        }

        Log.CallFinished(_logger, BatchApiCall.Validate, result.Outcome, result.StatusCode);
        return result;
    }

    public async Task<BatchApiResult<SubmissionResult>> RequestReportAsync(JsonElement report, CancellationToken cancellationToken = default)
    {
        var options = _options.CurrentValue;
        var exchange = await ExchangeAsync(BatchApiCall.RequestReport, HttpMethod.Post, options.RequestReportPath, report, options, cancellationToken);
        var result = Interpret(BatchApiCall.RequestReport, exchange, options, root =>
            JsonReading.String(root, "report_id") is { Length: > 0 } id
                ? new SubmissionResult(id, ProviderStatuses.Normalize(JsonReading.String(root, "status") ?? ProviderStatuses.Pending))
                : null);

        if (result.Outcome == BatchApiOutcome.OutcomeUnknown)
        {
            Log.SubmissionOutcomeUnknown(_logger, string.Join("; ", result.Errors));
        }
        else
        {
            Log.Submitted(_logger, result.Outcome, result.StatusCode, result.Value?.ReportId);
        }

        return result;
    }

    public async Task<BatchApiResult<ReportStatusResult>> GetStatusAsync(string reportId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reportId);
        var options = _options.CurrentValue;
        var exchange = await ExchangeAsync(BatchApiCall.Status, HttpMethod.Get, WithReportId(options.StatusPath, reportId), null, options, cancellationToken);
        var result = Interpret(BatchApiCall.Status, exchange, options, root =>
            JsonReading.String(root, "status") is { Length: > 0 } status
                ? new ReportStatusResult(
                    ProviderStatuses.Normalize(status),
                    JsonReading.String(root, "download_url"),
                    JsonReading.Long(root, "data_points_count"),
                    JsonReading.Long(root, "used_quota"),
                    JsonReading.String(root, "error") ?? JsonReading.String(root, "message"))
                : null);

        if (result.Value is { } value)
        {
            // The download URL's query string is the access grant: log only the path.
            Log.StatusRead(_logger, reportId, value.Status,
                value.DownloadUrl is null ? null : UrlRedaction.WithoutQuery(value.DownloadUrl));
        }
        else
        {
            Log.CallFinished(_logger, BatchApiCall.Status, result.Outcome, result.StatusCode);
        }

        return result;
    }

    public async Task<BatchApiResult<RetryResult>> RetryAsync(string reportId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reportId);
        var options = _options.CurrentValue;
        var exchange = await ExchangeAsync(BatchApiCall.Retry, HttpMethod.Post, WithReportId(options.RetryPath, reportId), null, options, cancellationToken);

        // The retry answer is not pinned down by the public docs: any 2xx is an accepted retry, and the
        // report id and status default to the ones asked about and "retry".
        var result = Interpret(BatchApiCall.Retry, exchange, options, root => new RetryResult(
            JsonReading.String(root, "report_id") ?? reportId,
            ProviderStatuses.Normalize(JsonReading.String(root, "status") ?? ProviderStatuses.Retry)),
            emptyBodyValue: new RetryResult(reportId, ProviderStatuses.Retry));
        Log.CallFinished(_logger, BatchApiCall.Retry, result.Outcome, result.StatusCode);
        return result;
    }

    public async Task<BatchApiResult<CreditsResult>> GetRemainingCreditsAsync(CancellationToken cancellationToken = default)
    {
        var options = _options.CurrentValue;
        var exchange = await ExchangeAsync(BatchApiCall.Credits, HttpMethod.Get, options.CreditsPath, null, options, cancellationToken);
        var result = Interpret(BatchApiCall.Credits, exchange, options, root =>
            JsonReading.Long(root, "remaining_credits") is { } credits ? new CreditsResult(credits) : null);
        Log.CallFinished(_logger, BatchApiCall.Credits, result.Outcome, result.StatusCode);
        return result;
    }

    /// <summary>
    /// Maps an exchange to a result. <paramref name="read"/> turns a 2xx JSON body into the value, or null when the
    /// body lacks what the call needs.
    /// </summary>
    private static BatchApiResult<T> Interpret<T>(
        BatchApiCall call, HttpExchange exchange, BatchApiOptions options, Func<JsonElement, T?> read, T? emptyBodyValue = null)
        where T : class
    {
        var submitting = call == BatchApiCall.RequestReport;
        if (exchange.StatusCode is not { } code)
        {
            var outcome = exchange.Failure switch
            {
                TransportFailure.NotSent => BatchApiOutcome.TransientFailure,
                _ when submitting => BatchApiOutcome.OutcomeUnknown,
                _ => BatchApiOutcome.TransientFailure,
            };
            return BatchApiResult<T>.Failure(outcome, [ErrorTexts.Redact(exchange.FailureMessage ?? "The call failed", options.ApiKey)]);
        }

        if (code is >= 200 and < 300)
        {
            if (exchange.Body.Length == 0 && emptyBodyValue is not null)
            {
                return BatchApiResult<T>.Success(emptyBodyValue, code);
            }

            if (JsonReading.TryParseObject(exchange.Body) is { } root && read(root) is { } value)
            {
                return BatchApiResult<T>.Success(value, code);
            }

            // A 2xx we cannot read. For request-report the provider accepted something we cannot track.
            var text = $"Unreadable success response to {call}: {ErrorTexts.Describe(exchange)}";
            return BatchApiResult<T>.Failure(
                submitting ? BatchApiOutcome.OutcomeUnknown : BatchApiOutcome.TransientFailure,
                [ErrorTexts.Redact(text, options.ApiKey)], code);
        }

        var errors = ErrorTexts.From(exchange, options.ApiKey);
        var failure = code switch
        {
            401 or 403 => BatchApiOutcome.Unauthorized,
            429 => BatchApiOutcome.RateLimited,
            408 => BatchApiOutcome.TransientFailure,
            // A gateway's 502/504 means the origin may have received the submission before the gateway gave up.
            502 or 504 when submitting => BatchApiOutcome.OutcomeUnknown,
            >= 400 and < 500 => BatchApiOutcome.Invalid,
            _ => BatchApiOutcome.TransientFailure,
        };
        return BatchApiResult<T>.Failure(failure, errors, code, exchange.RetryAfter);
    }

    private async Task<HttpExchange> ExchangeAsync(
        BatchApiCall call, HttpMethod method, string path, JsonElement? body, BatchApiOptions options, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, BuildUri(options, path));
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, options.ApiKey);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is { } json)
        {
            // The caller's body is forwarded byte for byte: unknown fields, order and formatting untouched.
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json.GetRawText()));
            request.Content.Headers.ContentType = JsonContentType;
        }

        var client = call == BatchApiCall.RequestReport ? _submission : _idempotent;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

            // Reading the body is outside the pipeline's per-attempt timeout, so bound it here too.
            using var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bodyTimeout.CancelAfter(options.AttemptTimeout);
            byte[] bytes;
            try
            {
                bytes = await ReadBodyAsync(response.Content, bodyTimeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return HttpExchange.Failed(TransportFailure.TimedOut,
                    $"{call}: HTTP {(int)response.StatusCode} arrived but its body did not within {options.AttemptTimeout}");
            }
            catch (HttpRequestException ex)
            {
                return HttpExchange.Failed(TransportFailure.ConnectionLost,
                    $"{call}: the connection broke while reading the HTTP {(int)response.StatusCode} response ({ex.HttpRequestError})");
            }
            catch (IOException)
            {
                return HttpExchange.Failed(TransportFailure.ConnectionLost,
                    $"{call}: the connection broke while reading the HTTP {(int)response.StatusCode} response");
            }

            return HttpExchange.Received(
                (int)response.StatusCode,
                response.ReasonPhrase,
                response.Content.Headers.ContentType?.MediaType,
                bytes,
                RetryAfterOf(response));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException)
        {
            return HttpExchange.Failed(TransportFailure.TimedOut, $"{call}: no response within {options.AttemptTimeout}");
        }
        catch (OperationCanceledException)
        {
            // HttpClient's own timeout (the pipeline's should fire first).
            return HttpExchange.Failed(TransportFailure.TimedOut, $"{call}: the request timed out");
        }
        catch (HttpRequestException ex)
        {
            var failure = ex.HttpRequestError switch
            {
                HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or
                    HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError => TransportFailure.NotSent,
                _ => TransportFailure.ConnectionLost,
            };
            var what = failure == TransportFailure.NotSent ? "could not connect" : "the connection was lost";
            // The exception message names host and port only; headers (the key) are never part of it.
            return HttpExchange.Failed(failure, $"{call}: {what} ({ex.HttpRequestError}): {ex.Message}");
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0 && buffer.Length < MaxBodyBytes)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static Uri BuildUri(BatchApiOptions options, string path)
    {
        var baseUrl = options.BaseUrl
            ?? throw new InvalidOperationException($"{BatchApiOptions.SectionName}:BaseUrl is not configured.");
        // Join as text so that a base URL with a path prefix (http://host/prefix) keeps it.
        var root = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(root + "/" + path.TrimStart('/'), UriKind.Absolute);
    }

    private static string WithReportId(string template, string reportId) =>
        template.Replace("{report_id}", Uri.EscapeDataString(reportId), StringComparison.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Batch API {Call} finished: {Outcome} (HTTP {StatusCode})")]
        public static partial void CallFinished(ILogger logger, BatchApiCall call, BatchApiOutcome outcome, int? statusCode);

        [LoggerMessage(2, LogLevel.Information, "Batch API request-report: {Outcome} (HTTP {StatusCode}), report {ReportId}")]
        public static partial void Submitted(ILogger logger, BatchApiOutcome outcome, int? statusCode, string? reportId);

        [LoggerMessage(3, LogLevel.Warning, "Batch API request-report outcome unknown; not retried, it may have been accepted: {Reason}")]
        public static partial void SubmissionOutcomeUnknown(ILogger logger, string reason);

        [LoggerMessage(4, LogLevel.Debug, "Batch API status of report {ReportId}: {Status} {DownloadUrl}")]
        public static partial void StatusRead(ILogger logger, string reportId, string status, string? downloadUrl);
    }
}
