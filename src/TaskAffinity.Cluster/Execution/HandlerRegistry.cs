using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Execution;

/// <summary>The handlers this node serves, by handler name (the task type's name unless a task names another).</summary>
public sealed class HandlerRegistry
{
    private readonly ImmutableDictionary<string, ITaskHandler> _byName;

    public HandlerRegistry(IEnumerable<ITaskHandler> handlers)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, ITaskHandler>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (builder.ContainsKey(handler.Type.Name))
                throw new InvalidOperationException($"two handlers are registered for task type '{handler.Type.Name}': {builder[handler.Type.Name].GetType().Name} and {handler.GetType().Name}");
            builder[handler.Type.Name] = handler;
        }
        _byName = builder.ToImmutable();
        ServedTypes = _byName.Values.Select(h => h.Type).ToImmutableHashSet();
    }

    public ImmutableHashSet<TaskType> ServedTypes { get; }

    public ITaskHandler? Find(TaskSpec spec) => _byName.GetValueOrDefault(spec.HandlerName);
}
