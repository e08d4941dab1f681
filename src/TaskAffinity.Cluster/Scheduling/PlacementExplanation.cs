using System.Text.Json;
using System.Text.Json.Serialization;
using TaskAffinity.Core.Placement;

namespace TaskAffinity.Cluster.Scheduling;

/// <summary>
/// Why a placement chose its worker, as an operator reads it in <c>tactl tasks explain</c>: the policy's reason,
/// the deciding term and the leading candidates' terms. Formatted only when read or sent to another node, not on
/// every placement: the formatting was a few per cent of a busy node's processor time.
/// </summary>
[JsonConverter(typeof(PlacementExplanationConverter))]
public sealed class PlacementExplanation : IEquatable<PlacementExplanation>
{
    private readonly PlacementDecision? _decision;
    private readonly string? _decisive;
    private readonly string? _hostId;
    private string? _text;

    public PlacementExplanation(PlacementDecision decision, string decisive, string hostId)
    {
        _decision = decision;
        _decisive = decisive;
        _hostId = hostId;
    }

    private PlacementExplanation(string text) => _text = text;

    /// <summary>One formatted already (received from another node).</summary>
    public static PlacementExplanation FromText(string text) => new(text);

    public override string ToString() => _text ??=
        $"{_decision!.Policy}: {_decision.Reason}; decided by {_decisive}; on host {_hostId}"
        + string.Concat(_decision.TopCandidates.Select(c => $"\n  {c.WorkerId}  score {c.Score:0.###}  ({c.Terms})"));

    public bool Equals(PlacementExplanation? other) => other is not null && ToString() == other.ToString();

    public override bool Equals(object? obj) => Equals(obj as PlacementExplanation);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}

/// <summary>On the wire an explanation is its text.</summary>
internal sealed class PlacementExplanationConverter : JsonConverter<PlacementExplanation>
{
    public override PlacementExplanation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        PlacementExplanation.FromText(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, PlacementExplanation value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
