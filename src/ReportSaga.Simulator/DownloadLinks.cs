using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ReportSaga.Simulator;

/// <summary>
/// Signed, expiring download links, like a cloud storage pre-signed URL: the query string
/// (<c>expires</c> and <c>signature</c>) is the access grant, so nobody should log it.
/// </summary>
internal sealed class DownloadLinks(TimeSpan lifetime)
{
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    public TimeSpan Lifetime { get; } = lifetime;

    public string QueryFor(string reportId, DateTimeOffset completedAt)
    {
        var expires = (completedAt + Lifetime).ToUnixTimeSeconds();
        return $"?expires={expires}&signature={Sign(reportId, expires)}";
    }

    public DownloadCheck Check(string reportId, string? expiresText, string? signature, DateTimeOffset now)
    {
        if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || signature is null)
        {
            return DownloadCheck.BadSignature;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(reportId, expires));
        var given = Encoding.ASCII.GetBytes(signature);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return DownloadCheck.BadSignature;
        }

        return now.ToUnixTimeSeconds() >= expires ? DownloadCheck.Expired : DownloadCheck.Valid;
    }

    private string Sign(string reportId, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes($"{reportId}\n{expires}")));
}

internal enum DownloadCheck
{
    Valid,
    BadSignature,
    Expired,
}
