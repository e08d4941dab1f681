using Shouldly;
using TaskAffinity.Core.Placement;
using Xunit;

namespace TaskAffinity.Core.Tests.Placement;

public sealed class PlacementTermsSpec
{
    private static CandidateScore Candidate(string id, double score, params (string, double)[] terms) => new(id, score, ScoreTerms.Of(terms));

    private static PlacementDecision Decision(string reason, params CandidateScore[] top) => new(top.FirstOrDefault()?.WorkerId, "affinity", [.. top], reason);

    [Fact]
    public void The_term_in_which_the_chosen_worker_leads_most_decides()
    {
        var decision = Decision("highest score 0.8",
            Candidate("a", 0.8, ("affinity", 0.9), ("heat", 0.1), ("load", 0.5), ("samples", 40)),
            Candidate("b", 0.4, ("affinity", 0.3), ("heat", 0.1), ("load", 0.6), ("samples", 1)));
        PlacementTerms.Decisive(decision).ShouldBe("affinity");
    }

    [Fact]
    public void A_cooler_host_counts_as_a_lead_in_heat()
    {
        var decision = Decision("highest score 0.7",
            Candidate("a", 0.7, ("affinity", 0.5), ("heat", 0.1)),
            Candidate("b", 0.2, ("affinity", 0.5), ("heat", 0.8)));
        PlacementTerms.Decisive(decision).ShouldBe("heat");
    }

    [Fact]
    public void Exploration_fallback_lone_candidates_and_ties_are_named()
    {
        PlacementTerms.Decisive(Decision("exploring (share 0.05): a has run 'X' 0 times", Candidate("a", 0.1, ("affinity", 0.1)), Candidate("b", 0.9, ("affinity", 0.9))))
            .ShouldBe(PlacementTerms.Exploration);
        PlacementTerms.Decisive(Decision("all 2 eligible workers are full", Candidate("a", 0.1), Candidate("b", 0.1))).ShouldBe(PlacementTerms.AllFull);
        PlacementTerms.Decisive(Decision("highest score", Candidate("a", 0.5, ("affinity", 0.5)))).ShouldBe(PlacementTerms.OnlyCandidate);
        PlacementTerms.Decisive(Decision("highest score", Candidate("a", 0.5, ("affinity", 0.5)), Candidate("b", 0.5, ("affinity", 0.5)))).ShouldBe(PlacementTerms.Tie);
        PlacementTerms.Decisive(PlacementDecision.None("affinity", "no worker serves X")).ShouldBe(PlacementTerms.None);
    }
}
