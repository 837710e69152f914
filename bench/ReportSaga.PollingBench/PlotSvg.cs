using System.Globalization;
using System.Net;
using System.Text;

namespace ReportSaga.PollingBench;

/// <summary>
/// The trade-off as an SVG: one panel per report set, status calls per report across (log scale) against the p95
/// notification delay up (share of duration on the long set, seconds on the short one), one point per poller, with
/// the targets as dashed lines.
/// </summary>
internal static class PlotSvg
{
    private const int PanelWidth = 520, PanelHeight = 380, Left = 60, Right = 20, Top = 40, Bottom = 50;
    private static readonly string[] Colors = ["#d62728", "#9467bd", "#1f77b4", "#2ca02c", "#ff7f0e", "#000000"];

    public static string Render(IReadOnlyList<(string Title, IReadOnlyList<PollingResult> Results, bool LongSet, double TargetCalls)> panels)
    {
        var svg = new StringBuilder();
        Append(svg, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{PanelWidth * panels.Count}\" height=\"{PanelHeight + 24 * 6 + 10}\" font-family=\"sans-serif\" font-size=\"12\">");
        Append(svg, $"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        for (var i = 0; i < panels.Count; i++)
            Panel(svg, i * PanelWidth, panels[i]);
        // One legend for both panels: the pollers are the same.
        var names = panels[0].Results.Select(r => r.Poller).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var y = PanelHeight + 14 + 24 * i;
            Append(svg, $"<circle cx=\"{Left + 6}\" cy=\"{y - 4}\" r=\"5\" fill=\"{Colors[i % Colors.Length]}\"/>");
            Append(svg, $"<text x=\"{Left + 18}\" y=\"{y}\">{WebUtility.HtmlEncode(names[i])}</text>");
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int offset, (string Title, IReadOnlyList<PollingResult> Results, bool LongSet, double TargetCalls) panel)
    {
        var (title, results, longSet, targetCalls) = panel;
        double Y(PollingResult r) => longSet ? r.ShareP95 * 100 : r.DelayP95;
        var yTarget = longSet ? 10.0 : 15.0;
        var yMax = Math.Max(yTarget * 1.5, results.Max(Y) * 1.1);
        var xMaxDecade = Math.Ceiling(Math.Log10(Math.Max(10, results.Max(r => r.CallsPerReport) * 1.2)));
        var (x0, x1, y0, y1) = (offset + Left, offset + PanelWidth - Right, PanelHeight - Bottom, Top);
        double Px(double calls) => x0 + (x1 - x0) * Math.Log10(Math.Max(1, calls)) / xMaxDecade;
        double Py(double value) => y0 - (y0 - y1) * value / yMax;

        Append(svg, $"<text x=\"{offset + PanelWidth / 2}\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");
        Append(svg, $"<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"black\"/><line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x0}\" y2=\"{y1}\" stroke=\"black\"/>");
        for (var decade = 0; decade <= xMaxDecade; decade++)
        {
            var x = Px(Math.Pow(10, decade));
            Append(svg, $"<line x1=\"{x:0.0}\" y1=\"{y0}\" x2=\"{x:0.0}\" y2=\"{y0 + 5}\" stroke=\"black\"/><text x=\"{x:0.0}\" y=\"{y0 + 18}\" text-anchor=\"middle\">{Math.Pow(10, decade):0}</text>");
        }
        Append(svg, $"<text x=\"{(x0 + x1) / 2}\" y=\"{y0 + 36}\" text-anchor=\"middle\">status calls per report (log scale)</text>");
        var step = NiceStep(yMax);
        for (var v = 0.0; v <= yMax; v += step)
            Append(svg, $"<line x1=\"{x0 - 5}\" y1=\"{Py(v):0.0}\" x2=\"{x0}\" y2=\"{Py(v):0.0}\" stroke=\"black\"/><text x=\"{x0 - 8}\" y=\"{Py(v) + 4:0.0}\" text-anchor=\"end\">{v:0.##}</text>");
        Append(svg, $"<text transform=\"translate({offset + 16},{(y0 + y1) / 2}) rotate(-90)\" text-anchor=\"middle\">{(longSet ? "delay p95, % of the report's duration" : "delay p95, seconds")}</text>");

        Append(svg, $"<line x1=\"{x0}\" y1=\"{Py(yTarget):0.0}\" x2=\"{x1}\" y2=\"{Py(yTarget):0.0}\" stroke=\"gray\" stroke-dasharray=\"4 3\"/>");
        Append(svg, $"<text x=\"{x1}\" y=\"{Py(yTarget) - 4:0.0}\" text-anchor=\"end\" fill=\"gray\">target {(longSet ? "p95 10%" : "p95 15 s")}</text>");
        if (longSet)
        {
            Append(svg, $"<line x1=\"{Px(targetCalls):0.0}\" y1=\"{y0}\" x2=\"{Px(targetCalls):0.0}\" y2=\"{y1}\" stroke=\"gray\" stroke-dasharray=\"4 3\"/>");
            Append(svg, $"<text x=\"{Px(targetCalls) + 4:0.0}\" y=\"{y1 + 12}\" fill=\"gray\">1/3 of fixed 15 s</text>");
        }
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            Append(svg, $"<circle cx=\"{Px(r.CallsPerReport):0.0}\" cy=\"{Py(Y(r)):0.0}\" r=\"5\" fill=\"{Colors[i % Colors.Length]}\"><title>{WebUtility.HtmlEncode(r.Poller)}: {r.CallsPerReport:0.0} calls, p95 {Y(r):0.0}</title></circle>");
        }
    }

    private static double NiceStep(double max)
    {
        var rough = max / 6;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        return new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= rough);
    }

    private static void Append(StringBuilder svg, FormattableString line) => svg.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
