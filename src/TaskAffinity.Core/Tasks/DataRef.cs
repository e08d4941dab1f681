namespace TaskAffinity.Core.Tasks;

/// <summary>
/// A reference to input data a task reads (a block, an object, a file), with its size. The key is what a
/// host cache is indexed by, so two tasks reading the same key share a cached copy.
/// </summary>
public sealed record DataRef(string Key, long SizeBytes);
