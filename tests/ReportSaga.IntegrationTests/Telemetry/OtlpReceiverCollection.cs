namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>Test classes marked <c>[Collection(OtlpReceiverCollection.Name)]</c> share one OTLP receiver process.</summary>
[CollectionDefinition(Name)]
public sealed class OtlpReceiverCollection : ICollectionFixture<OtlpReceiverFixture>
{
    public const string Name = "OTLP receiver";
}
