using System.Text.Json;
using System.Text.Json.Serialization;

namespace TaskAffinity.Core.Tasks;

/// <summary>
/// The kind of a task (e.g. <c>SnapshotCreate</c>). Learning is per task type, so the name is the key the
/// scheduler remembers; it is compared ordinally and must be a plain identifier.
/// </summary>
[JsonConverter(typeof(TaskTypeJsonConverter))]
public readonly record struct TaskType(string Name)
{
    public static bool IsValidName(string? name) =>
        !string.IsNullOrWhiteSpace(name)
        && name.Length <= 128
        && name.All(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_');

    public override string ToString() => Name ?? "";

    public static implicit operator TaskType(string name) => new(name);
}

/// <summary>Writes a task type as its bare name, so events and messages stay readable.</summary>
public sealed class TaskTypeJsonConverter : JsonConverter<TaskType>
{
    public override TaskType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, TaskType value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Name);

    public override TaskType ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString() ?? "");

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TaskType value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.Name);
}
