using BenchmarkDotNet.Running;

// dotnet run -c Release --project src/TaskAffinity.Benchmarks -- --filter '*'
// (BenchmarkSwitcher's usual flags: --filter, --job short, --list flat, ...)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
