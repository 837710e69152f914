namespace ReportSaga.Service.Cli;

/// <summary>The CLI's exit codes.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The operation was understood but failed: no such report, already ended, broker or database unreachable.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong (unknown verb or option, a bad value) or a setting is: nothing was done.</summary>
    public const int Usage = 2;
}
