using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace ReportSaga.UnitTests.Deploy;

/// <summary>
/// Reads YAML files into plain maps (string keys), lists and scalar strings, resolving anchors and merge keys
/// (<c>&lt;&lt;: *anchor</c>) the way docker compose and kubectl do. Throws on malformed YAML.
/// </summary>
public static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    /// <summary>Every document of the file (a Kubernetes file may hold several, separated by ---).</summary>
    public static IReadOnlyList<Map> LoadAll(string path)
    {
        using var reader = new StreamReader(path);
        var parser = new MergingParser(new Parser(reader));
        parser.Consume<StreamStart>();
        var documents = new List<Map>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Deserializer.Deserialize<object?>(parser) is { } document)
            {
                documents.Add(new Map(ToMap(document, path)));
            }
        }

        return documents;
    }

    public static Map Load(string path) => Assert.Single(LoadAll(path));

    private static IReadOnlyDictionary<string, object?> ToMap(object value, string where) =>
        value is Dictionary<object, object?> dictionary
            ? dictionary.ToDictionary(pair => pair.Key.ToString()!, pair => pair.Value)
            : throw new InvalidDataException($"{where}: expected a mapping, found {value.GetType().Name}");

    /// <summary>A YAML mapping with typed accessors that fail with the path of what is missing.</summary>
    public sealed class Map(IReadOnlyDictionary<string, object?> values)
    {
        public IReadOnlyDictionary<string, object?> Values { get; } = values;

        public IEnumerable<string> Keys => Values.Keys;

        public bool Has(string key) => Values.ContainsKey(key) && Values[key] is not null;

        public Map MapAt(string key) => Get(key) is Dictionary<object, object?> d
            ? new Map(d.ToDictionary(p => p.Key.ToString()!, p => p.Value))
            : throw new KeyNotFoundException($"'{key}' is not a mapping");

        public IReadOnlyList<Map> MapsAt(string key) => ListAt(key)
            .Select(item => item is Dictionary<object, object?> d
                ? new Map(d.ToDictionary(p => p.Key.ToString()!, p => p.Value))
                : throw new InvalidDataException($"'{key}' holds a non-mapping item"))
            .ToList();

        public IReadOnlyList<object?> ListAt(string key) => Get(key) as List<object?>
            ?? throw new KeyNotFoundException($"'{key}' is not a list");

        public string StringAt(string key) => Get(key) as string
            ?? throw new KeyNotFoundException($"'{key}' is not a scalar");

        /// <summary>Follows a dotted path of mapping keys: "spec.template.spec".</summary>
        public Map Path(string dotted) => dotted.Split('.').Aggregate(this, (map, key) => map.MapAt(key));

        private object? Get(string key) => Values.TryGetValue(key, out var value)
            ? value
            : throw new KeyNotFoundException($"no '{key}' among {string.Join(", ", Values.Keys)}");
    }
}
