namespace ReportSaga.Simulator;

/// <summary>
/// A per-call fault from a marker such as <c>[sim:submit=503*2]</c>: answer <see cref="Code"/> for the first
/// <see cref="Times"/> calls (every call when null).
/// </summary>
internal sealed record FaultMarker(string Code, int? Times)
{
    public const string Timeout = "timeout";
    public const string Reset = "reset";
    public const string Invalid = "invalid";

    /// <summary>Whether the call numbered <paramref name="callNumber"/> (1-based) gets the fault.</summary>
    public bool AppliesTo(int callNumber) => Times is not { } n || callNumber <= n;
}
