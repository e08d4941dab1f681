using Shouldly;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Prediction;

public class ChainGraphSpec
{
    private static ChainGraph Graph(params (string From, string To, int Times, long Bytes)[] edges)
    {
        var graph = new ChainGraph();
        foreach (var (from, to, times, bytes) in edges)
            for (var i = 0; i < times; i++) graph.Observe(from, to, bytes);
        return graph;
    }

    private static string Names(FrequentChain chain) => string.Join(">", chain.Types.Select(t => t.Name));

    [Fact]
    public void Edges_carry_frequency_and_mean_bytes_most_frequent_first()
    {
        var graph = new ChainGraph();
        graph.Observe("A", "B", 100);
        graph.Observe("A", "B", 300);
        graph.Observe("A", "B", 200);
        graph.Observe("B", "C", 1_000);

        graph.Edges.ShouldBe([new ChainEdge("A", "B", 3, 200), new ChainEdge("B", "C", 1, 1_000)]);
    }

    [Fact]
    public void Edge_frequencies_decay_with_the_half_life()
    {
        var graph = new ChainGraph(decayHalfLife: 10);
        graph.Observe("A", "B", 0);
        for (var i = 0; i < 10; i++) graph.Observe("C", "D", 0);

        graph.Edges.Single(e => e.From == new TaskType("A")).Frequency.ShouldBe(0.5, tolerance: 1e-12);
    }

    [Fact]
    public void Empty_graph_has_no_edges_and_no_chains()
    {
        var graph = new ChainGraph();

        graph.Edges.ShouldBeEmpty();
        graph.FrequentChains(5, 4).ShouldBeEmpty();
    }

    [Fact]
    public void A_chain_that_always_continues_ranks_above_its_prefixes()
    {
        var graph = Graph(("A", "B", 100, 0), ("B", "C", 100, 0), ("C", "D", 100, 0));

        var chains = graph.FrequentChains(top: 3, maxLength: 4);

        Names(chains[0]).ShouldBe("A>B>C>D");
        chains[0].Frequency.ShouldBe(100, tolerance: 1e-9);
        chains[0].Score.ShouldBe(300, tolerance: 1e-9); // frequency × edges
        chains.Select(c => c.Score).ShouldBeInOrder(SortDirection.Descending);
    }

    [Fact]
    public void Chain_frequency_follows_the_branch_probabilities()
    {
        // B splits 3:1 into C and D
        var graph = Graph(("A", "B", 100, 0), ("B", "C", 75, 0), ("B", "D", 25, 0));

        var chains = graph.FrequentChains(top: 10, maxLength: 3).ToDictionary(Names);

        chains["A>B>C"].Frequency.ShouldBe(75, tolerance: 1e-9);
        chains["A>B>D"].Frequency.ShouldBe(25, tolerance: 1e-9);
        chains["A>B"].Score.ShouldBe(100, tolerance: 1e-9);
        chains["A>B>C"].Score.ShouldBe(150, tolerance: 1e-9);
        chains.Keys.ShouldNotContain("A>B>D>X");
    }

    [Fact]
    public void Loops_are_chains_too_up_to_the_maximum_length()
    {
        var graph = Graph(("A", "B", 10, 0), ("B", "A", 10, 0));

        var chains = graph.FrequentChains(top: 1, maxLength: 5);

        chains.ShouldHaveSingleItem().Types.Length.ShouldBe(5);
    }

    [Fact]
    public void No_chains_for_a_nonpositive_top_or_a_length_under_two()
    {
        var graph = Graph(("A", "B", 10, 0));

        graph.FrequentChains(0, 4).ShouldBeEmpty();
        graph.FrequentChains(3, 1).ShouldBeEmpty();
    }

    [Fact]
    public void Pruned_search_finds_the_same_chains_as_brute_force()
    {
        var random = new Random(11);
        var types = new[] { "A", "B", "C", "D", "E", "F" };
        var graph = new ChainGraph();
        foreach (var from in types)
            foreach (var to in types)
                if (random.NextDouble() < 0.5)
                    for (var i = random.Next(1, 50); i > 0; i--) graph.Observe(from, to, 0);

        var found = graph.FrequentChains(top: 8, maxLength: 4);

        found.Select(Names).ShouldBe(BruteForce(graph, 8, 4).Select(c => c.Names));
        found.Select(c => c.Score).ShouldBe(BruteForce(graph, 8, 4).Select(c => c.Score), tolerance: 1e-9);
    }

    private static IEnumerable<(string Names, double Score)> BruteForce(ChainGraph graph, int top, int maxLength)
    {
        var edges = graph.Edges;
        var outTotal = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Sum(e => e.Frequency));
        var all = new List<(List<TaskType> Path, double F)>();
        var frontier = edges.Select(e => (Path: new List<TaskType> { e.From, e.To }, F: e.Frequency)).ToList();
        while (frontier.Count > 0)
        {
            all.AddRange(frontier);
            frontier = [.. frontier.Where(c => c.Path.Count < maxLength).SelectMany(c => edges
                .Where(e => e.From == c.Path[^1])
                .Select(e => (Path: c.Path.Append(e.To).ToList(), F: c.F * e.Frequency / outTotal[e.From])))];
        }
        return all
            .Select(c => (Names: string.Join(">", c.Path.Select(t => t.Name)), Score: c.F * (c.Path.Count - 1)))
            .OrderByDescending(c => Math.Round(c.Score, 9)).ThenBy(c => c.Names, StringComparer.Ordinal)
            .Take(top);
    }
}
