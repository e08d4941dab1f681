using System.Runtime.CompilerServices;
using Shouldly;

namespace TaskAffinity.Cluster.Tests.Admin;

/// <summary>
/// Compares command output with a pinned file in Admin/expected. ANSI escapes are written as \e so the files
/// stay readable. UPDATE_EXPECTED=1 rewrites the files in the source tree instead (then review the diff).
/// </summary>
internal static class Expected
{
    public static void Matches(string name, string actual, [CallerFilePath] string source = "")
    {
        var text = actual.Replace("\u001b", "\\e").Replace("\r\n", "\n") + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_EXPECTED") == "1")
        {
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(source)!, "expected", name + ".txt"), text);
            return;
        }
        var file = Path.Combine(AppContext.BaseDirectory, "Admin", "expected", name + ".txt");
        File.Exists(file).ShouldBeTrue($"no expected output {file}: run with UPDATE_EXPECTED=1 once and review it");
        text.ShouldBe(File.ReadAllText(file).Replace("\r\n", "\n"));
    }
}
