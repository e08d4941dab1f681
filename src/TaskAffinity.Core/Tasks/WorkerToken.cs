namespace TaskAffinity.Core.Tasks;

/// <summary>
/// What a worker carries on its requests: the type of the last task it ran and how confident the predictor
/// was about what it would run next. Later policies use it to keep a worker on a warm path.
/// </summary>
public sealed record WorkerToken(TaskType? LastTaskType, double PredictionConfidence)
{
    public static readonly WorkerToken Empty = new(null, 0);
}
