using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Serialization;

/// <summary>
/// Task specs in messages and journal rows, written by hand and leaving out what holds its default (empty
/// strings and lists, zero resources and duration). Every submission travels and is stored with all its tasks:
/// the reflection-based writer's full form was about 230 bytes for a plain task and a good part of the JSON
/// work of a node. Reads that full form too (rows written before), with the same names, in any letter case.
/// Only the cluster's serializer uses it: graph files and the admin endpoint keep the standard reader and its
/// error messages.
/// </summary>
internal sealed class TaskSpecJsonConverter : JsonConverter<TaskSpec>
{
    public override void Write(Utf8JsonWriter writer, TaskSpec value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("id", value.Id);
        writer.WriteString("type", value.Type.Name);
        WriteUnlessEmpty(writer, "handler", value.Handler);
        WriteUnlessEmpty(writer, "inputSchema", value.InputSchema);
        WriteUnlessEmpty(writer, "outputSchema", value.OutputSchema);
        if (!value.Inputs.IsDefaultOrEmpty)
        {
            writer.WriteStartArray("inputs");
            foreach (var input in value.Inputs)
            {
                writer.WriteStartObject();
                writer.WriteString("key", input.Key);
                writer.WriteNumber("sizeBytes", input.SizeBytes);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        if (value.Resources != ResourceVector.Zero)
        {
            var r = value.Resources;
            writer.WriteStartObject("resources");
            writer.WriteNumber("cpu", r.Cpu);
            writer.WriteNumber("memoryMb", r.MemoryMb);
            writer.WriteNumber("ioMbps", r.IoMbps);
            writer.WriteNumber("networkMbps", r.NetworkMbps);
            writer.WriteNumber("gpu", r.Gpu);
            writer.WriteEndObject();
        }
        if (value.EstimatedDuration != TimeSpan.Zero)
            writer.WriteString("estimatedDuration", value.EstimatedDuration.ToString("c", CultureInfo.InvariantCulture));
        WriteUnlessEmpty(writer, "payload", value.Payload);
        if (!value.DependsOn.IsDefaultOrEmpty)
        {
            writer.WriteStartArray("dependsOn");
            foreach (var id in value.DependsOn)
                writer.WriteStringValue(id);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    private static void WriteUnlessEmpty(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) writer.WriteString(name, value);
    }

    public override TaskSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a task spec must be a JSON object");
        string? id = null;
        TaskType? type = null;
        string handler = "", inputSchema = "", outputSchema = "", payload = "";
        var inputs = ImmutableArray<DataRef>.Empty;
        var resources = ResourceVector.Zero;
        var duration = TimeSpan.Zero;
        var dependsOn = ImmutableArray<string>.Empty;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null) continue; // as if left out
            switch (name.ToLowerInvariant())
            {
                case "id": id = reader.GetString(); break;
                case "type": type = new TaskType(reader.GetString() ?? ""); break;
                case "handler": handler = reader.GetString() ?? ""; break;
                case "inputschema": inputSchema = reader.GetString() ?? ""; break;
                case "outputschema": outputSchema = reader.GetString() ?? ""; break;
                case "payload": payload = reader.GetString() ?? ""; break;
                case "inputs": inputs = ReadInputs(ref reader); break;
                case "resources": resources = ReadResources(ref reader); break;
                case "estimatedduration": duration = TimeSpan.Parse(reader.GetString()!, CultureInfo.InvariantCulture); break;
                case "dependson": dependsOn = ReadStrings(ref reader); break;
                default: reader.Skip(); break; // e.g. the worked-out fields older writers also wrote
            }
        }
        return new TaskSpec
        {
            Id = id ?? throw new JsonException("a task spec has no 'id'"),
            Type = type ?? throw new JsonException($"task spec '{id}' has no 'type'"),
            Handler = handler,
            InputSchema = inputSchema,
            OutputSchema = outputSchema,
            Inputs = inputs,
            Resources = resources,
            EstimatedDuration = duration,
            Payload = payload,
            DependsOn = dependsOn,
        };
    }

    private static ImmutableArray<DataRef> ReadInputs(ref Utf8JsonReader reader)
    {
        var inputs = ImmutableArray.CreateBuilder<DataRef>();
        Expect(ref reader, JsonTokenType.StartArray, "inputs");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject, "inputs[]");
            string key = "";
            long size = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (name.Equals("key", StringComparison.OrdinalIgnoreCase)) key = reader.GetString() ?? "";
                else if (name.Equals("sizeBytes", StringComparison.OrdinalIgnoreCase)) size = reader.GetInt64();
                else reader.Skip();
            }
            inputs.Add(new DataRef(key, size));
        }
        return inputs.ToImmutable();
    }

    private static ResourceVector ReadResources(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "resources");
        double cpu = 0, memory = 0, io = 0, network = 0, gpu = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name.ToLowerInvariant())
            {
                case "cpu": cpu = reader.GetDouble(); break;
                case "memorymb": memory = reader.GetDouble(); break;
                case "iombps": io = reader.GetDouble(); break;
                case "networkmbps": network = reader.GetDouble(); break;
                case "gpu": gpu = reader.GetDouble(); break;
                default: reader.Skip(); break;
            }
        }
        return new ResourceVector(cpu, memory, io, network, gpu);
    }

    private static ImmutableArray<string> ReadStrings(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray, "dependsOn");
        var ids = ImmutableArray.CreateBuilder<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            ids.Add(reader.GetString()!);
        return ids.ToImmutable();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string field)
    {
        if (reader.TokenType != token) throw new JsonException($"task spec field '{field}' must be {(token == JsonTokenType.StartArray ? "an array" : "an object")}");
    }
}
