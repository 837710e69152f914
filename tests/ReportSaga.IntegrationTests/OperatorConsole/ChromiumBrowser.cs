using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace ReportSaga.IntegrationTests.OperatorConsole;

/// <summary>
/// Debian's headless chromium driven through its own chromedriver (Selenium). The browser vendors' download sites are
/// out of reach here, so Selenium Manager is never asked: the paths are given. Missing binaries fail the test with
/// what to install (scripts/test.sh installs them); the test is never skipped.
/// </summary>
internal sealed class ChromiumBrowser : IDisposable
{
    public const string BrowserPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private ChromiumBrowser(ChromeDriver driver) => Driver = driver;

    public ChromeDriver Driver { get; }

    public static ChromiumBrowser Start()
    {
        if (!File.Exists(BrowserPath) || !File.Exists(DriverPath))
            throw new Xunit.Sdk.XunitException(
                $"The browser tests need {BrowserPath} and {DriverPath}: apt-get install chromium chromium-driver (scripts/test.sh does it as root).");

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = BrowserPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--window-size=1600,1200");
        return new ChromiumBrowser(new ChromeDriver(service, options, TimeSpan.FromSeconds(60)));
    }

    /// <summary>Waits until <paramref name="find"/> gives a value; fails with <paramref name="what"/> and what the page shows.</summary>
    public async Task<T> UntilAsync<T>(string what, Func<IWebDriver, T?> find)
        where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                if (find(Driver) is { } found)
                    return found;
            }
            catch (Exception e) when (e is NoSuchElementException or StaleElementReferenceException)
            {
                // Re-rendered under us: look again.
            }

            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"The page did not show {what} within {Patience}. It shows:{Environment.NewLine}{PageText()}");
            await Task.Delay(200);
        }
    }

    public string PageText()
    {
        try
        {
            return Driver.FindElement(By.TagName("body")).Text;
        }
        catch (WebDriverException e)
        {
            return $"(unreadable: {e.Message})";
        }
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
