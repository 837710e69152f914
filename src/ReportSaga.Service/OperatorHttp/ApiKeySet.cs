using System.Security.Cryptography;
using System.Text;

namespace ReportSaga.Service.OperatorHttp;

/// <summary>
/// The operator API keys, kept only as SHA-256 digests. A presented key is hashed and compared with every digest in
/// constant time, so neither the comparison nor the key's length shows in the response time.
/// </summary>
public sealed class ApiKeySet
{
    private readonly byte[][] _digests;

    public ApiKeySet(IEnumerable<string> keys) => _digests = keys.Select(Digest).ToArray();

    public static ApiKeySet Empty { get; } = new([]);

    public int Count => _digests.Length;

    /// <summary>The 1-based number of the matching key (a caller's name in logs and rate limits), or 0 for none.</summary>
    public int Match(string presented)
    {
        var digest = Digest(presented);
        var match = 0;
        // Every digest is compared, whatever matched before: the time taken does not depend on which key matched.
        for (var i = 0; i < _digests.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, _digests[i]))
                match = i + 1;
        }

        return match;
    }

    // No key material in any printout of this object.
    public override string ToString() => $"{Count} API key(s)";

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
