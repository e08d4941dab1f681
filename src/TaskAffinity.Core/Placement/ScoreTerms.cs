using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace TaskAffinity.Core.Placement;

/// <summary>
/// The named terms behind one candidate's score, in the order the policy lists them. A handful of entries, so
/// an array with a linear lookup: building one is a single allocation, which matters on the placement path.
/// </summary>
public sealed class ScoreTerms : IReadOnlyDictionary<string, double>
{
    private readonly (string Name, double Value)[] _terms;

    private ScoreTerms((string Name, double Value)[] terms) => _terms = terms;

    public static ScoreTerms Of(params (string Name, double Value)[] terms) => new(terms);

    public double this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no score term '{key}'");

    public IEnumerable<string> Keys => _terms.Select(t => t.Name);

    public IEnumerable<double> Values => _terms.Select(t => t.Value);

    public int Count => _terms.Length;

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value)
    {
        foreach (var (name, v) in _terms)
            if (name == key)
            {
                value = v;
                return true;
            }
        value = 0;
        return false;
    }

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() =>
        _terms.Select(t => new KeyValuePair<string, double>(t.Name, t.Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", _terms.Select(t => $"{t.Name}={t.Value:0.###}"));
}
