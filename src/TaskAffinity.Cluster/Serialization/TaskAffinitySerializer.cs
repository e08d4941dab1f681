using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace TaskAffinity.Cluster.Serialization;

/// <summary>
/// Serializes every <see cref="ITaskAffinityMessage"/> (remote messages, journal events, snapshots) as
/// System.Text.Json with a stable string manifest from <see cref="Manifests"/>. JSON keeps stored events
/// readable and tolerant: unknown fields are ignored and missing ones take their defaults.
/// Bound in hocon/serialization.conf.
/// </summary>
public sealed class TaskAffinitySerializer : SerializerWithStringManifest
{
    private readonly JsonSerializerOptions _options;

    public TaskAffinitySerializer(ExtendedActorSystem system) : base(system)
    {
        _options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter(), new ActorRefJsonConverter(system), new TaskSpecJsonConverter() },
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
    }

    public override string Manifest(object o) =>
        Manifests.ByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType().FullName} has no manifest: add it to {nameof(Manifests)}");

    public override byte[] ToBinary(object obj)
    {
        _ = Manifest(obj); // fail loudly for an unregistered type rather than write something unreadable
        return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _options);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Manifests.ByManifest.TryGetValue(manifest, out var type))
            throw new SerializationException($"unknown manifest '{manifest}': this node is older than the data it reads");
        return JsonSerializer.Deserialize(bytes, type, _options)
               ?? throw new SerializationException($"manifest '{manifest}' deserialized to null");
    }
}

/// <summary>Writes an actor reference as its full path and resolves it again on the receiving system.</summary>
internal sealed class ActorRefJsonConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
{
    public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var path = reader.GetString();
        return string.IsNullOrEmpty(path) ? ActorRefs.Nobody : system.Provider.ResolveActorRef(path);
    }

    public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Akka.Serialization.Serialization.SerializedActorPath(value));

    public override bool CanConvert(Type typeToConvert) => typeof(IActorRef).IsAssignableFrom(typeToConvert);
}
