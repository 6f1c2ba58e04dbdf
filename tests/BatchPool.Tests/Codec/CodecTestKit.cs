using System.Reflection;
using System.Runtime.Loader;
using BatchPool.Codec;

namespace BatchPool.Tests.Codec;

/// <summary>Shared key, codec and helpers of the codec tests.</summary>
internal static class CodecTestKit
{
    public static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();

    public static readonly PayloadCodec Codec = new(Key);

    public static object? RoundTrip(object? value)
    {
        var payload = Codec.Encode(new JobOutput([new CallOutcome(value, null)]), PayloadKind.JobOutput);
        var output = (JobOutput)Codec.Decode(payload.Bytes, PayloadKind.JobOutput);
        return output.Outcomes[0].Value;
    }

    public static Exception RoundTripException(Exception exception)
    {
        var payload = Codec.Encode(new JobOutput([new CallOutcome(null, exception)]), PayloadKind.JobOutput);
        var output = (JobOutput)Codec.Decode(payload.Bytes, PayloadKind.JobOutput);
        return output.Outcomes[0].Error!;
    }

    public static Delegate RoundTripFunction(Delegate function)
    {
        var payload = Codec.Encode(new JobInput(function, []), PayloadKind.JobInput);
        return ((JobInput)Codec.Decode(payload.Bytes, PayloadKind.JobInput)).Function;
    }

    /// <summary>Recomputes the MAC after a test altered a payload, as only a key holder could.</summary>
    public static byte[] Resign(byte[] payload)
    {
        var copy = (byte[])payload.Clone();
        new PayloadMac(Key).Sign(copy.AsSpan(0, copy.Length - PayloadMac.Length), copy.AsSpan(copy.Length - PayloadMac.Length), PayloadMac.UsesGmac(copy.Length));
        return copy;
    }

    /// <summary>Replaces a same-length UTF-8 string everywhere in the payload, then re-signs it.</summary>
    public static byte[] ReplaceAndResign(byte[] payload, string from, string to)
    {
        var fromBytes = System.Text.Encoding.UTF8.GetBytes(from);
        var toBytes = System.Text.Encoding.UTF8.GetBytes(to);
        var copy = (byte[])payload.Clone();
        var found = false;
        for (var i = copy.AsSpan().IndexOf(fromBytes); i >= 0;)
        {
            toBytes.CopyTo(copy, i);
            found = true;
            var next = copy.AsSpan(i + 1).IndexOf(fromBytes);
            i = next < 0 ? -1 : i + 1 + next;
        }

        Assert.True(found, $"'{from}' is not in the payload");
        return Resign(copy);
    }

    /// <summary>Changes the MVID of the first user assembly in the header and re-signs.</summary>
    /// <summary>The payload re-signed with another build id for the assembly named <paramref name="assembly"/> (by default the first).</summary>
    public static byte[] WithForeignAssemblyBuild(byte[] payload, Guid build, string? assembly = null)
    {
        var copy = (byte[])payload.Clone();
        var count = BitConverter.ToUInt16(copy, 18);
        Assert.True(count > 0, "payload names no assembly");
        var offset = 20;
        for (var i = 0; i < count; i++)
        {
            var nameLength = copy[offset];
            var name = System.Text.Encoding.UTF8.GetString(copy, offset + 1, nameLength);
            if (assembly is null || name == assembly)
            {
                build.TryWriteBytes(copy.AsSpan(offset + 1 + nameLength, 16));
                return Resign(copy);
            }
            offset += 1 + nameLength + 16;
        }
        throw new ArgumentException($"the payload names no assembly {assembly}", nameof(assembly));
    }

    public static byte[] WithRuntime(byte[] payload, byte major, byte minor)
    {
        var copy = (byte[])payload.Clone();
        copy[16] = major;
        copy[17] = minor;
        return Resign(copy);
    }

    public static object? Invoke(Delegate function, object?[] args)
    {
        try
        {
            var result = function.DynamicInvoke(args);
            if (result is Task task)
            {
                task.GetAwaiter().GetResult();
                result = task.GetType().GetProperty("Result")?.GetValue(task);
            }

            return result;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            return e.InnerException;
        }
    }

    public static string UserCodePath => typeof(UserCode.CodecCases).Assembly.Location;

    /// <summary>A load context holding a second copy of the user library, loaded from its file, like a worker's.</summary>
    public sealed class UserCodeContext() : AssemblyLoadContext("test user code", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name == "BatchPool.Tests.UserCode" ? LoadFromAssemblyPath(UserCodePath) : null;
    }
}
