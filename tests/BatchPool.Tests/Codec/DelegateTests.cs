using System.Runtime.Loader;
using BatchPool.Codec;
using BatchPool.Tests.UserCode;

namespace BatchPool.Tests.Codec;

public class DelegateTests
{
    public static TheoryData<string> Cases() => [.. CodecCases.Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_round_trips_in_process_and_gives_the_same_result(string name)
    {
        var (function, args) = CodecCases.Make(name);
        var expected = CodecTestKit.Invoke(CodecCases.Make(name).Function, args);

        var decoded = CodecTestKit.RoundTripFunction(function);
        var actual = CodecTestKit.Invoke(decoded, args);

        if (expected is Exception e)
        {
            Assert.IsType(e.GetType(), actual);
            Assert.Equal(e.Message, ((Exception)actual!).Message);
        }
        else
        {
            Assert.Equal(ValueText.Of(expected), ValueText.Of(actual));
        }
    }

    [Fact]
    public void Stateless_lambda_singleton_is_re_resolved_not_copied()
    {
        Func<int, int> square = x => x * x;
        var decoded = CodecTestKit.RoundTripFunction(square);
        Assert.Same(square.Target, decoded.Target);
    }

    [Fact]
    public void Recursive_lambda_keeps_its_cycle_through_the_delegate()
    {
        var (function, _) = CodecCases.Make("recursive");
        var decoded = (Func<int, int>)CodecTestKit.RoundTripFunction(function);
        var field = decoded.Target!.GetType().GetFields()[0];
        Assert.Same(decoded, field.GetValue(decoded.Target));
        Assert.Equal(55, decoded(10));
    }

    [Fact]
    public void Shared_target_arrives_once()
    {
        var list = new List<int> { 1 };
        Func<int> a = () => list.Count;
        Func<int> b = () => list.Sum();
        var decoded = (object?[])CodecTestKit.RoundTrip(new object?[] { a, b, list })!;
        Assert.Same(((Delegate)decoded[0]!).Target, ((Delegate)decoded[1]!).Target);
        Assert.Same(decoded[2], ((Delegate)decoded[0]!).Target!.GetType().GetFields()[0].GetValue(((Delegate)decoded[0]!).Target));
    }

    [Fact]
    public void Multicast_keeps_order_and_count()
    {
        var calls = new List<string>();
        Action a = () => calls.Add("a");
        Action b = () => calls.Add("b");
        var decoded = (Action)CodecTestKit.RoundTripFunction(a + b + a);
        Assert.Equal(3, decoded.GetInvocationList().Length);
    }

    [Fact]
    public void Decoding_inside_a_contextual_load_context_resolves_user_types_there()
    {
        var (function, args) = CodecCases.Make("this");
        var payload = CodecTestKit.Codec.Encode(new JobInput(function, [args]), PayloadKind.JobInput);
        var context = new CodecTestKit.UserCodeContext();
        try
        {
            var userCode = context.LoadFromAssemblyName(typeof(CodecCases).Assembly.GetName());
            JobInput job;
            using (AssemblyLoadContext.EnterContextualReflection(userCode))
            {
                job = (JobInput)CodecTestKit.Codec.Decode(payload.Bytes, PayloadKind.JobInput);
            }

            Assert.Same(context, AssemblyLoadContext.GetLoadContext(job.Function.Method.Module.Assembly));
            Assert.Same(context, AssemblyLoadContext.GetLoadContext(job.Function.Target!.GetType().Assembly));
            Assert.Equal(CodecTestKit.Invoke(function, args), CodecTestKit.Invoke(job.Function, args));

            // The same payload decoded outside the context resolves in the default context again.
            var again = (JobInput)CodecTestKit.Codec.Decode(payload.Bytes, PayloadKind.JobInput);
            Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(again.Function.Method.Module.Assembly));
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void Encoded_payload_lists_the_user_assemblies()
    {
        var (function, _) = CodecCases.Make("this");
        var payload = CodecTestKit.Codec.Encode(new JobInput(function, []), PayloadKind.JobInput);
        Assert.Equal([typeof(CodecCases).Assembly], payload.UserAssemblies);
    }
}
