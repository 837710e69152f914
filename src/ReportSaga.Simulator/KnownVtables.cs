namespace ReportSaga.Simulator;

/// <summary>The Batch API tables ("vtables") the simulator knows; any other name is refused as unknown.</summary>
internal static class KnownVtables
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "traffic_and_engagement",
        "traffic_sources",
        "geography",
        "demographics",
        "audience_interests",
        "audience_overlap",
        "website_ranking",
        "popular_pages",
        "leading_folders",
        "keywords",
        "referrals",
        "outgoing_referrals",
        "segments_traffic_and_engagement",
        "company_info",
    };
}
