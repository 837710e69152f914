using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReportSaga.Simulator;

internal static class SimulatorJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
