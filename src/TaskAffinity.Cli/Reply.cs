using System.Text.Json;

namespace TaskAffinity.Cli;

/// <summary>What came of sending a command.</summary>
internal abstract record Reply;

/// <summary>The node's command reply. Data is undefined (ValueKind Undefined) when the reply has none.</summary>
internal sealed record Answer(bool Ok, string? Text, JsonElement Data, string? Error, string? Usage) : Reply;

/// <summary>No command reply: the reason names the address and what went wrong.</summary>
internal sealed record NoAnswer(string Reason) : Reply;
