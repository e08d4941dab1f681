using System.Globalization;
using Akka.Configuration;

namespace TaskAffinity.Cluster.Hosting;

/// <summary>Reads typed values from a HOCON section, turning every bad value into a <see cref="SettingsException"/>.</summary>
internal sealed class SettingsReader(Config config, string prefix)
{
    private string Full(string key) => $"{prefix}.{key}";

    /// <summary>The entries of a section, keyed by their own (possibly dotted, quoted) names, with raw values.</summary>
    public IReadOnlyList<(string Key, string Raw)> Section(string key) =>
        Entries(key, "a section of name = value entries, e.g. { default = 3, SnapshotCopy = 5 }")
            .Select(kv => (kv.Key, kv.Value.ToString())).ToList();

    /// <summary>The sub-sections of a section (e.g. weights per task type), each as its raw entries.</summary>
    public IReadOnlyList<(string Key, IReadOnlyDictionary<string, string> Entries)> Sections(string key) =>
        Entries(key, "a section of named sections, e.g. { default { duration = 0.5 } }").Select(kv => kv.Value.IsObject()
            ? (kv.Key, (IReadOnlyDictionary<string, string>)kv.Value.GetObject().Items.ToDictionary(i => i.Key, i => i.Value.ToString()))
            : throw new SettingsException(Full($"{key}.{kv.Key}"), kv.Value.ToString(), "a section such as { duration = 0.5, error-rate = 0.2 }")).ToList();

    /// <summary>The entries of the section at <paramref name="key"/> (none when absent); anything but a section is rejected.</summary>
    private IEnumerable<KeyValuePair<string, Akka.Configuration.Hocon.HoconValue>> Entries(string key, string accepted)
    {
        if (!config.HasPath(key)) return [];
        var value = config.GetValue(key);
        return value.IsObject() ? value.GetObject().Items : throw new SettingsException(Full(key), value.ToString(), accepted);
    }

    /// <summary>Checks a raw value that was read as part of a section.</summary>
    public double DoubleValue(string key, string raw, double min, double max) =>
        double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max && !double.IsNaN(value)
            ? value
            : throw new SettingsException(Full(key), raw, $"numbers from {min} to {max}");

    /// <summary>Checks a raw value that was read as part of a section.</summary>
    public int IntValue(string key, string raw, int min, int max) =>
        int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new SettingsException(Full(key), raw, $"integers from {min} to {max}");

    public string String(string key, string fallback) => config.HasPath(key) ? config.GetString(key, fallback) ?? fallback : fallback;

    public int Int(string key, int fallback, int min, int max) =>
        config.HasPath(key) ? IntValue(key, config.GetString(key), min, max) : fallback;

    public double Double(string key, double fallback, double min, double max) =>
        config.HasPath(key) ? DoubleValue(key, config.GetString(key), min, max) : fallback;

    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        if (!config.HasPath(key)) return fallback;
        var raw = config.GetString(key);
        TimeSpan value;
        try
        {
            value = config.GetTimeSpan(key, fallback, allowInfinite: false);
        }
        catch (Exception)
        {
            throw new SettingsException(Full(key), raw, $"durations from {min} to {max} (e.g. 500ms, 5s, 2m)");
        }
        if (value < min || value > max)
            throw new SettingsException(Full(key), raw, $"durations from {min} to {max} (e.g. 500ms, 5s, 2m)");
        return value;
    }
}
