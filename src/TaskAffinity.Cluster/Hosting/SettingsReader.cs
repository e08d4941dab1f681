using System.Globalization;
using Akka.Configuration;

namespace TaskAffinity.Cluster.Hosting;

/// <summary>Reads typed values from a HOCON section, turning every bad value into a <see cref="SettingsException"/>.</summary>
internal sealed class SettingsReader(Config config, string prefix)
{
    private string Full(string key) => $"{prefix}.{key}";

    public Config? Config(string key) => config.HasPath(key) ? config.GetConfig(key) : null;

    public string String(string key, string fallback) => config.HasPath(key) ? config.GetString(key, fallback) ?? fallback : fallback;

    public int Int(string key, int fallback, int min, int max)
    {
        if (!config.HasPath(key)) return fallback;
        var raw = config.GetString(key);
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new SettingsException(Full(key), raw, $"integers from {min} to {max}");
        return value;
    }

    public double Double(string key, double fallback, double min, double max)
    {
        if (!config.HasPath(key)) return fallback;
        var raw = config.GetString(key);
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max || double.IsNaN(value))
            throw new SettingsException(Full(key), raw, $"numbers from {min} to {max}");
        return value;
    }

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
