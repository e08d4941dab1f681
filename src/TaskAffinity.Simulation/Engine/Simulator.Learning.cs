using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Traces;

namespace TaskAffinity.Simulation.Engine;

public sealed partial class Simulator
{
    private sealed partial class Replay
    {
        // ---- learning ----

        private void Predict(ChainRun chain, TraceTask task, TaskType[] history)
        {
            if (history.Length == 0) return;
            var context = new PredictionContext([.. history], chain.Chain.App, null, null, 0);
            var top = _predictor.Predict(context).Top;
            _predicted++;
            if (top == task.Type) _predictedRight++;
            if (history[^1] != task.Type)
            {
                _changes++;
                if (top == task.Type) _changesRight++;
            }
            _predictor.Observe(context, task.Type);
        }

        private void Learn(int worker, TraceTask task, double exec)
        {
            if (_sim._policy is null) return;
            var id = _workers[worker].WorkerId;
            var observation = new TaskObservation(id, task.Type, TimeSpan.FromSeconds(exec), new ResourceVector(task.Cpu, task.MemoryMb, 0, 0, 0),
                _workers[worker].HostCapacity, false);
            _profiles[(id, task.Type)] = _profiles.GetValueOrDefault((id, task.Type), TaskTypeProfile.Empty).Observe(observation, 20);
            if (++_sinceModel < _sim.ModelEvery) return;
            _sinceModel = 0;
            var map = AffinityMap.Build(_profiles.Select(p => new ProfileEntry(p.Key.Item1, p.Key.Item2, p.Value)), new AffinityOptions());
            _sim._policy = _sim._policy.WithModel(new PlacementModel(map, _predictor.Transitions()));
        }

        /// <summary>
        /// What the learner expects a task of the type to take, for our line's order: the mean of its per-worker
        /// durations learned so far (the profiles as they are, not the policy's snapshot, which is rebuilt only
        /// every <see cref="ModelEvery"/> completions and would leave the line in arrival order through the first
        /// floods). A type not yet run counts as 0, so goes first: running it is how it gets learned, and it
        /// would otherwise wait behind every known type until aged (on wfinstances seed 42 that cost 40% of mean
        /// latency). With nothing learned, every task ties and the line is served in arrival order.
        /// </summary>
        private double? ExpectedMs(TaskType type)
        {
            double sum = 0;
            var workers = 0;
            foreach (var (key, profile) in _profiles)
                if (key.Item2 == type)
                    (sum, workers) = (sum + profile.DurationMs, workers + 1);
            return workers > 0 ? sum / workers : 0;
        }
    }
}
