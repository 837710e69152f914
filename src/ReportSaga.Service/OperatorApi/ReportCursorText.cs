using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ReportSaga.Persistence.Reports;

namespace ReportSaga.Service.OperatorApi;

/// <summary>The list's page cursor as an opaque URL-safe token: the last report's creation time (UTC ticks) and id.</summary>
public static class ReportCursorText
{
    public static string Encode(ReportCursor cursor) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            $"{cursor.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{cursor.RequestId:N}"));

    public static bool TryDecode(string? text, out ReportCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text))
            return true;
        if (text.Length > 128)
            return false;
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(text)).Split('|');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && Guid.TryParseExact(parts[1], "N", out var id))
            {
                cursor = new ReportCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
