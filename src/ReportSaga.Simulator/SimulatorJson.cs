using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReportSaga.Simulator;

internal static class SimulatorJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Keeps '&' in download URLs readable (the provider's JSON is not HTML-escaped either).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
