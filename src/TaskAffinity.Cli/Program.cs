using TaskAffinity.Cli;

// tactl: sends operator commands to a TaskAffinity node's command host. Everything but reading the real
// console lives in Tactl, so the tests drive the same code with their own writers.
var terminal = new Terminal(Console.In, Console.Out, Console.Error, Console.IsInputRedirected, Console.IsOutputRedirected, Console.IsErrorRedirected);
using var tactl = new Tactl(terminal, Environment.GetEnvironmentVariable);
return await tactl.RunAsync(args);
