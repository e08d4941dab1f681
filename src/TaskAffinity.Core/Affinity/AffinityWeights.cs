namespace TaskAffinity.Core.Affinity;

/// <summary>
/// How much each metric counts in a type's affinity score: <c>score = Σ w_m · norm(m) / Σ w_m</c>.
/// Only the ratios matter, so the weights need not sum to 1.
/// </summary>
public sealed record AffinityWeights(double Duration, double Cpu, double Memory, double Io, double ErrorRate)
{
    /// <summary>Latency first (most task types are judged by how soon they finish), then reliability.</summary>
    public static readonly AffinityWeights Default = new(0.5, 0.1, 0.1, 0.1, 0.2);

    internal double Sum => Duration + Cpu + Memory + Io + ErrorRate;

    /// <summary>Every weight finite and in [0, 1], and at least one above 0. Each message names its field.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (name, value) in Fields())
        {
            if (!double.IsFinite(value) || value < 0 || value > 1)
                problems.Add($"{name} must be a number in [0, 1], was {value}");
        }
        if (problems.Count == 0 && Sum <= 0)
            problems.Add("at least one of duration, cpu, memory, io, errorRate must be above 0");
        return problems;
    }

    internal IEnumerable<(string Name, double Value)> Fields()
    {
        yield return ("duration", Duration);
        yield return ("cpu", Cpu);
        yield return ("memory", Memory);
        yield return ("io", Io);
        yield return ("errorRate", ErrorRate);
    }
}
