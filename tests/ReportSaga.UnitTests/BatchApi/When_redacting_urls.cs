using ReportSaga.BatchApi;

namespace ReportSaga.UnitTests.BatchApi;

public sealed class When_redacting_urls
{
    [Theory]
    [InlineData("https://bucket.example.com/r/1.csv?signature=abc&expires=1", "https://bucket.example.com/r/1.csv")]
    [InlineData("https://host:8443/a/b?x=1#frag", "https://host:8443/a/b")]
    [InlineData("https://user:password@host/a?x=1", "https://host/a")]
    [InlineData("http://127.0.0.1:5080/simulator/downloads/id.csv", "http://127.0.0.1:5080/simulator/downloads/id.csv")]
    [InlineData("/relative/path?token=1", "/relative/path")]
    [InlineData("s3://bucket/path/report.csv", "s3://bucket/path/report.csv")]
    [InlineData("", "")]
    public void The_query_string_fragment_and_credentials_are_removed(string url, string expected) =>
        Assert.Equal(expected, UrlRedaction.WithoutQuery(url));
}
