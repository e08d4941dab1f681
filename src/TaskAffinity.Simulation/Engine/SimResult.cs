namespace TaskAffinity.Simulation.Engine;

/// <summary>
/// What one policy did with one workload, in simulated seconds. Null where a metric does not apply (no
/// prefetch for a baseline; no prediction for a policy that predicts nothing).
/// </summary>
public sealed record SimResult(
    string Policy, int Tasks, int Chains,
    double MeanLatencyS, double P50LatencyS, double P95LatencyS, double P99LatencyS,
    double MeanWaitS, double MeanStallS, double MeanExecS,
    double MeanMakespanS, double P99MakespanS, double ThroughputTps,
    double? PrefetchHitRate, double? WastedMb, double? PredictionTop1, double? PredictionTop1OnChange,
    double DecisionsPerS);
