using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Traces;

namespace TaskAffinity.Simulation.Workloads;

/// <summary>
/// Recurring chains with a predictability knob, for experiments: with probability p a chain follows one of a
/// few templates (its task types in order, and the reference data each step reads, are the template's); else
/// it is a random sequence (random length, types and reference data). p = 1 is a workload a learner can know
/// completely, p = 0 one where the next type and the data it reads are noise.
/// </summary>
/// <remarks>
/// <para>Every step of a chain reads a reference item (templates: the same item every time the template runs;
/// random chains: one of <see cref="RandomReferenceItems"/>), its own chain-specific input, and from the second
/// step on the previous step's output. So recurring chains gain from a cache that keeps reference data and from
/// placing a template's step where it ran before; every chain gains from staging its own inputs ahead.</para>
/// <para>Chains are linear and arrive as a Poisson process at <see cref="ArrivalsPerSecond"/>: about 60% busy
/// on the default 4×4 cluster. The same seed gives the same chains.</para>
/// </remarks>
public static class RecurringChains
{
    public const int Templates = 4;
    public const int Types = 12;
    public const int RandomReferenceItems = 1000;
    public const double ArrivalsPerSecond = 6;

    private const long MB = 1_000_000;
    private const int MinLength = 4, MaxLength = 8;

    public static IEnumerable<TraceChain> Generate(int chains, double predictability, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chains);
        if (!(predictability is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(predictability), predictability, "predictability must be in [0, 1]");
        return Generated(chains, predictability, seed);
    }

    private static IEnumerable<TraceChain> Generated(int chains, double predictability, int seed)
    {
        var random = new Random(seed);
        // per type a reference duration of 50–500 ms, so hosts' speed factors per type matter
        var durations = Enumerable.Range(0, Types).Select(_ => 0.05 + 0.45 * random.NextDouble()).ToArray();
        var templates = Enumerable.Range(0, Templates).Select(i => Template.Draw(i, random)).ToArray();
        var clock = 0.0;
        for (var n = 0; n < chains; n++)
        {
            clock += -Math.Log(1 - random.NextDouble()) / ArrivalsPerSecond;
            var id = $"rc-{n:D6}";
            var recurring = random.NextDouble() < predictability;
            var template = templates[random.Next(Templates)];
            var steps = recurring ? template.Steps : RandomSteps(random);
            var app = recurring ? template.App : templates[random.Next(Templates)].App;
            var tasks = steps.Select((step, j) => new TraceTask(
                $"{j:D2}", TypeOf(step.Type), j == 0 ? [] : [$"{j - 1:D2}"],
                durations[step.Type] * (0.9 + 0.2 * random.NextDouble()), 1, 256,
                j == 0 ? [step.Reference, OwnInput(id, j, random)] : [step.Reference, OwnInput(id, j, random), Output(id, j - 1)],
                [Output(id, j)], null)).ToImmutableArray();
            yield return new TraceChain(id, app, clock, tasks);
        }
    }

    private static TaskType TypeOf(int type) => new($"R{type:D2}");

    private static DataRef OwnInput(string chain, int step, Random random) => new($"{chain}/in-{step}", random.Next(1, 9) * MB);

    private static DataRef Output(string chain, int step) => new($"{chain}/out-{step}", 2 * MB);

    /// <summary>A random chain: random length and types, each step reading a random reference item (its size fixed by its number).</summary>
    private static ImmutableArray<Step> RandomSteps(Random random) =>
        [.. Enumerable.Range(0, random.Next(MinLength, MaxLength + 1)).Select(_ =>
        {
            var item = random.Next(RandomReferenceItems);
            return new Step(random.Next(Types), new DataRef($"ref/random-{item:D4}", (4 + item % 29) * MB));
        })];

    private sealed record Step(int Type, DataRef Reference);

    private sealed record Template(string App, ImmutableArray<Step> Steps)
    {
        public static Template Draw(int index, Random random) => new($"app-{index}",
            [.. Enumerable.Range(0, random.Next(MinLength, MaxLength + 1)).Select(j =>
                new Step(random.Next(Types), new DataRef($"ref/template-{index}/{j}", random.Next(4, 33) * MB)))]);
    }
}
