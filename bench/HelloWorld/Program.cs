// With --spawn: a bare hello-world that starts another one and waits for it, the floor of a program whose work runs in
// a second .NET process (workload 5's whole program: a client and its worker).
if (args is ["--spawn"])
{
    using var child = System.Diagnostics.Process.Start(Environment.ProcessPath!, [typeof(Program).Assembly.Location]);
    child.WaitForExit();
    return child.ExitCode;
}
Console.WriteLine("Hello, World!");
return 0;
