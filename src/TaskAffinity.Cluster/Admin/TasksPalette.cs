using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Cluster.Admin;

/// <summary>The <c>tasks</c> palette: submit a task or a graph, and explain where a task went and why.</summary>
public sealed class TasksPalette(PaletteContext context) : IPalette
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public PaletteSpec Spec { get; } = PaletteSpec.Of("tasks", "tasks: submit, explain",
        CommandSpec.Of("submit", "submit a graph (--file graph.json, read by tactl) or one task from flags",
            new ArgSpec("graph", "the graph as JSON: {\"chainId\", \"appId\", \"tasks\": [{\"id\", \"type\", \"dependsOn\", \"inputs\": [{\"key\", \"sizeBytes\"}], \"payload\"}]}", IsFlag: true),
            new ArgSpec("type", "the task type of a single task", IsFlag: true), new ArgSpec("id", "its id (default: task)", IsFlag: true),
            new ArgSpec("chain", "the chain id (default: a new one)", IsFlag: true), new ArgSpec("app", "application id (default: tactl)", IsFlag: true),
            new ArgSpec("input", "an input KEY:BYTES (repeatable)", IsFlag: true, Repeats: true), new ArgSpec("payload", "the task's payload", IsFlag: true)),
        CommandSpec.Of("explain", "why a task went to the worker it went to",
            new ArgSpec("chain", "the chain id", Required: true), new ArgSpec("task", "the task id", Required: true)));

    public sealed record GraphFile(string? ChainId, string? AppId, ImmutableArray<TaskSpec> Tasks);

    public async Task<CommandReply> Run(ParsedCommand command)
    {
        var router = context.Router;
        if (command.Command == "explain")
        {
            var answer = await router.Ask<object>(new GetChainStatus(command.Get("chain")!), context.Timeout);
            return answer is ChainStatus status ? Explain(status, command.Get("task")!) : CommandReply.Failure(((NotFound)answer).Reason);
        }
        var (submit, error) = ToSubmission(command);
        if (submit is null) return CommandReply.Failure(error!, "usage: " + Spec.Find("submit")!.Usage("tasks"));
        var reply = await router.Ask<object>(submit, context.Timeout);
        return reply switch
        {
            ChainAcknowledged ack => CommandReply.Success($"Chain {ack.ChainId} accepted{(ack.Duplicate ? " (already known: not run again)" : "")} with {submit.Tasks.Length} tasks",
                new { chainId = ack.ChainId, duplicate = ack.Duplicate, tasks = submit.Tasks.Length }),
            Rejected rejected => CommandReply.Failure($"chain {rejected.ChainId} rejected: {rejected.Reason}"),
            _ => CommandReply.Failure($"unexpected answer: {reply.GetType().Name}"),
        };
    }

    /// <summary>The submission a command describes, or what is wrong with it.</summary>
    public static (SubmitChain? Submit, string? Error) ToSubmission(ParsedCommand command)
    {
        var chainId = command.Get("chain");
        var app = command.Get("app") ?? "tactl";
        if (command.Get("graph") is { } graphJson)
        {
            if (command.Get("type") is not null) return (null, "give either a graph (--file/--graph) or --type, not both");
            GraphFile? graph;
            try
            {
                graph = JsonSerializer.Deserialize<GraphFile>(graphJson, Json);
            }
            catch (JsonException e)
            {
                return (null, $"the graph is not valid: {e.Message}");
            }
            if (graph is null || graph.Tasks.IsDefaultOrEmpty) return (null, "the graph has no tasks (\"tasks\": [...])");
            return (new SubmitChain(chainId ?? graph.ChainId ?? NewChainId(), graph.AppId ?? app, graph.Tasks), null);
        }
        if (command.Get("type") is not { } type) return (null, "give a graph (--file graph.json) or a task type (--type)");
        if (!TaskType.IsValidName(type)) return (null, $"'{type}' is not a task type name (letters, digits, '.', '-', '_')");
        var inputs = ImmutableArray.CreateBuilder<DataRef>();
        foreach (var input in command.All("input"))
        {
            var colon = input.LastIndexOf(':');
            if (colon <= 0 || !long.TryParse(input[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
                return (null, $"--input '{input}' is not KEY:BYTES (e.g. blocks/7:1048576)");
            inputs.Add(new DataRef(input[..colon], bytes));
        }
        var task = new TaskSpec { Id = command.Get("id") ?? "task", Type = new TaskType(type), Inputs = inputs.ToImmutable(), Payload = command.Get("payload") ?? "" };
        return (new SubmitChain(chainId ?? NewChainId(), app, [task]), null);
    }

    private static string NewChainId() => $"tactl-{Guid.NewGuid():N}"[..18];

    public static CommandReply Explain(ChainStatus status, string taskId)
    {
        var task = status.Tasks.FirstOrDefault(t => t.TaskId == taskId);
        if (task is null)
            return CommandReply.Failure($"chain {status.ChainId} has no task '{taskId}'; its tasks: {string.Join(", ", status.Tasks.Select(t => t.TaskId))}");
        var why = task.Explanation ?? (task.Phase == TaskPhase.Waiting
            ? "not placed yet: it waits for the tasks it depends on"
            : "no placement recorded: the chain has restarted or moved since it was placed (explanations are kept in memory)");
        var text = $"Task {status.ChainId}/{task.TaskId} ({task.Type.Name}): {task.Phase}, {task.Attempts} attempt(s), worker {task.WorkerId ?? "-"}\n{why}";
        return CommandReply.Success(text, new { chain = status.ChainId, task = task.TaskId, type = task.Type.Name, phase = task.Phase.ToString(), worker = task.WorkerId, explanation = task.Explanation });
    }
}
