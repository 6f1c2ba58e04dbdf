// Cross-process codec test host: CodecHost <user-code.dll> <work-dir>; key in BATCHPOOL_CODEC_TEST_KEY (hex).
// For each <name>.in (a JobInput) writes <name>.out (a JobOutput): decode, invoke every call, encode the outcomes.
using System.Reflection;
using System.Runtime.Loader;
using BatchPool.Codec;
using BatchPool.Tests.CodecHost;

var userCodePath = Path.GetFullPath(args[0]);
var workDirectory = args[1];
var codec = new PayloadCodec(Convert.FromHexString(Environment.GetEnvironmentVariable("BATCHPOOL_CODEC_TEST_KEY")!));
var context = new UserCodeLoadContext(Path.GetDirectoryName(userCodePath)!);
var userCode = context.LoadFromAssemblyPath(userCodePath);

foreach (var input in Directory.GetFiles(workDirectory, "*.in").Order(StringComparer.Ordinal))
{
    var outcomes = new List<CallOutcome>();
    try
    {
        JobInput job;
        using (AssemblyLoadContext.EnterContextualReflection(userCode))
        {
            job = (JobInput)codec.Decode(File.ReadAllBytes(input), PayloadKind.JobInput);
        }

        var functionAssembly = job.Function.Method.Module.Assembly;
        if (functionAssembly.GetName().Name == userCode.GetName().Name && AssemblyLoadContext.GetLoadContext(functionAssembly) != context)
        {
            throw new InvalidOperationException("the function resolved outside the user-code load context");
        }

        foreach (var call in job.Calls)
        {
            outcomes.Add(await Invoke(job.Function, call));
        }
    }
    catch (Exception e)
    {
        outcomes.Add(new CallOutcome(null, e));
    }

    var output = codec.Encode(new JobOutput([.. outcomes]), PayloadKind.JobOutput);
    await File.WriteAllBytesAsync(Path.ChangeExtension(input, ".out"), output.Bytes);
}

static async Task<CallOutcome> Invoke(Delegate function, object?[] arguments)
{
    try
    {
        var result = function.DynamicInvoke(arguments);
        if (result is Task task)
        {
            await task;
            result = task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
        }

        return new CallOutcome(result, null);
    }
    catch (TargetInvocationException e) when (e.InnerException is not null)
    {
        return new CallOutcome(null, e.InnerException);
    }
    catch (Exception e)
    {
        return new CallOutcome(null, e);
    }
}
