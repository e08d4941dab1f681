namespace TaskAffinity.Core;

/// <summary>
/// FNV-1a over strings with murmur3's final mix: stable across processes (unlike string.GetHashCode), and
/// the mix spreads ids that differ in one character over all buckets, not just the low bits.
/// </summary>
public static class StableHash
{
    public static uint Of(params string[] parts)
    {
        var hash = 2166136261u;
        foreach (var part in parts)
            hash = Add(hash, part);
        return Mix(hash);
    }

    /// <summary>The same hash as <c>Of(a, b, c)</c> without allocating (hot paths).</summary>
    public static uint Of(string a, string b, string c) => Mix(Add(Add(Add(2166136261u, a), b), c));

    private static uint Add(uint hash, string part)
    {
        foreach (var c in part)
            hash = (hash ^ c) * 16777619u;
        return (hash ^ 0x1F) * 16777619u;
    }

    private static uint Mix(uint hash)
    {
        hash ^= hash >> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35;
        hash ^= hash >> 16;
        return hash;
    }

    /// <summary>A number in [0, 1) from the hash: a reproducible "random" draw keyed by the parts.</summary>
    public static double Fraction(params string[] parts) => Of(parts) / 4294967296.0;
}
