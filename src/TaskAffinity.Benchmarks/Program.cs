using BenchmarkDotNet.Running;
using TaskAffinity.Benchmarks.EndToEnd;

// dotnet run -c Release --project src/TaskAffinity.Benchmarks -- --filter '*'
//   (BenchmarkSwitcher's usual flags: --filter, --job short, --list flat, ...)
// dotnet run -c Release --project src/TaskAffinity.Benchmarks -- e2e --db sqlite|postgres [--tasks N] [--chain-length L]
if (args is ["e2e", ..])
    return await E2eCommand.Create().Parse(args[1..]).InvokeAsync();
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
