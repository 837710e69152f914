namespace ReportSaga.IntegrationTests.Infrastructure;

/// <summary>Reads the user and password of a URI's user-info part (<c>scheme://user:password@host/</c>).</summary>
internal static class UriCredentials
{
    public static (string User, string Password) Parse(Uri uri)
    {
        var parts = uri.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(parts[0]);
        var password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        return (user.Length > 0 ? user : "guest", parts.Length > 1 ? password : "guest");
    }
}
