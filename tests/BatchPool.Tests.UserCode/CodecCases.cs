#pragma warning disable CA1305, CA1307, CA1310, CA1822, CA5394, CA1002, CA2000, CA1031, CA1062, CA1508, CA2201
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace BatchPool.Tests.UserCode;

/// <summary>Functions as a user writes them, shipped by the codec tests.</summary>
public static class MathFns
{
    public static int Triple(int x) => x * 3;

    public static string Describe<T>(T value) => $"{typeof(T).Name}:{value}";

    public static object? Echo(object? value) => value;

    public static int Fail(int k)
    {
        try
        {
            throw new InvalidOperationException("inner boom " + k);
        }
        catch (InvalidOperationException e)
        {
            throw new UserFailure("outer boom", 42, e);
        }
    }

    public static int FailAggregate() =>
        throw new AggregateException("several", new ArgumentException("bad arg", "x"), new UserFailure("user", 7, null));

    public static int FailWithLocalType() => throw new LocalOnlyFailure("only here");
}

/// <summary>An exception type a test pretends the reader cannot load (by renaming it on the wire).</summary>
public sealed class LocalOnlyFailure(string message) : Exception(message);

/// <summary>Named delegate cases; each has arguments, and is invoked locally (oracle) and remotely.</summary>
public static class CodecCases
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "static", "instance", "locals", "this", "thisOnly", "nested", "recordDict", "async", "generic", "genericClosure",
        "poly", "cycle", "recursive", "delegateField", "multicast", "eventShape", "sharedTarget", "comparer", "values",
        "closedStatic", "fail", "aggregate",
    ];

    public static (Delegate Function, object?[] Args) Make(string name) => name switch
    {
        "static" => (new Func<int, int>(MathFns.Triple), [14]),
        "instance" => (new Func<int, int>(new Scaler(5, "abc").Apply), [7]),
        "locals" => (Locals(), []),
        "this" => (new Scaler(5, "abc").MakeClosure(100), []),
        "thisOnly" => (new Scaler(5, "abc").MakeThisOnly(), []),
        "nested" => (Nested(), []),
        "recordDict" => (RecordDict(), []),
        "async" => (Async(), []),
        "generic" => (new Func<int, string>(MathFns.Describe<int>), [5]),
        "genericClosure" => (GenericClosure(2.5), []),
        "poly" => (Poly(), []),
        "cycle" => (Cycle(), []),
        "recursive" => (Recursive(), [10]),
        "delegateField" => (DelegateField(), [4]),
        "multicast" => (Multicast(), []),
        "eventShape" => (new Counter().OnTick, []),
        "sharedTarget" => (SharedTarget(), []),
        "comparer" => (Comparer(), []),
        "values" => (new Func<object?, string>(v => ValueText.Of(v)), [SampleValues()]),
        "closedStatic" => (ClosedStatic(), []),
        "fail" => (Fail(), []),
        "aggregate" => (new Func<int>(MathFns.FailAggregate), []),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    public static object?[] SampleValues()
    {
        var shared = new Point(1, 2, "shared");
        var node = new Node { Value = 5 };
        node.Next = node;
        return
        [
            1, 2L, 3.5, 4.5f, (byte)6, 'c', true, "text", null, 12.34m, new BigInteger(1) << 100, Guid.Parse("11111111-2222-3333-4444-555555555555"),
            new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc), new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Local), new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            TimeSpan.FromMinutes(3), Colour.Blue, new[] { Colour.Red, Colour.Green }, new[] { 1, 2, 3 }, new[] { 1.5, 2.5 }, new byte[] { 1, 2, 3 },
            new int[,] { { 1, 2 }, { 3, 4 } }, new[] { new[] { 1 }, [2, 3] }, new List<string> { "a", "b" },
            new Dictionary<string, double[]> { ["a"] = [1.0, 2], ["b"] = [4.5] }, new HashSet<int> { 3, 1, 2 },
            shared, shared, new Measure("kg", 2.5m), (1, "two", 3.0), Tuple.Create(1, "x"), new Pair { Left = 1, Right = "r" },
            new[] { new Vec3 { X = 1, Y = 2, Z = 3 } }, new Dog(), node, new Entity(1) { Note = "first" }, new Entity(1) { Note = "second" },
            typeof(Point), new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["Key"] = 1 },
        ];
    }

    private static Func<int> Locals()
    {
        var k = 7;
        var names = new List<string> { "a", "bb", "ccc" };
        return () => k + names.Sum(n => n.Length);
    }

    private static Func<int, int> MakeNested()
    {
        var outer = 3;
        Func<Func<int, int>> make = () =>
        {
            var mid = 4;
            return y => (y * outer) + mid;
        };
        return make();
    }

    private static Func<int> Nested()
    {
        var g = MakeNested();
        Func<int, int> square = x => x * x;
        return () => g(square(3));
    }

    private static Func<string> RecordDict()
    {
        var p = new Point(1.5, 2.5, "pt");
        var d = new Dictionary<string, double[]> { ["a"] = [1.0, 2, 3], ["b"] = [4.5] };
        return () => $"{p.Label}:{p.X + p.Y}:{d["a"].Sum() + d["b"].Sum()}";
    }

    private static Func<Task<int>> Async()
    {
        int delay = 5, v = 21;
        return async () =>
        {
            await Task.Delay(delay).ConfigureAwait(false);
            return v * 2;
        };
    }

    private static Func<string> GenericClosure<T>(T value) => () => $"{typeof(T).Name}={value}";

    private static Func<string> Poly()
    {
        Animal a = new Dog();
        object boxed = 42;
        IReadOnlyList<int> xs = new List<int> { 1, 2, 3 };
        return () => $"{a.Speak()}|{(int)boxed + 1}|{xs.Sum()}|{xs.GetType().Name}";
    }

    private static Func<int> Cycle()
    {
        var n = new Node { Value = 5 };
        n.Next = n;
        return () => n.Next!.Next!.Value;
    }

    private static Func<int, int> Recursive()
    {
        Func<int, int> fib = null!;
        fib = n => n < 2 ? n : fib(n - 1) + fib(n - 2);
        return fib;
    }

    private static Func<int, int> DelegateField()
    {
        Func<int, int> twice = x => x * 2;
        Func<int, int> plus = x => x + 1;
        return x => plus(twice(x));
    }

    private static Func<string> Multicast()
    {
        var log = new StringBuilder();
        Action a = () => log.Append('a');
        Action b = () => log.Append('b');
        var both = a + b + a;
        return () =>
        {
            both();
            return log.ToString();
        };
    }

    private static Func<string> SharedTarget()
    {
        var list = new List<int> { 1 };
        var alias = list;
        Func<int> count = () => list.Count;
        return () =>
        {
            alias.Add(2);
            return $"{ReferenceEquals(list, alias)}:{count()}";
        };
    }

    private static Func<string> Comparer()
    {
        var ignoreCase = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["Key"] = 1 };
        var modulo = new Dictionary<int, string>(new ModuloComparer(10)) { [3] = "three" };
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "A" };
        return () => $"{ignoreCase["KEY"]}|{modulo[13]}|{set.Contains("a")}";
    }

    private static Func<int> ClosedStatic()
    {
        var words = new[] { "x", "yy" };
        Func<int> count = words.Count; // extension method closed over its first argument
        return count;
    }

    private static Func<int> Fail()
    {
        var k = 9;
        return () => MathFns.Fail(k);
    }
}

/// <summary>A canonical text of a value graph, to compare values across processes.</summary>
public static class ValueText
{
    public static string Of(object? value)
    {
        var text = new StringBuilder();
        Write(text, value, new Dictionary<object, int>(ReferenceEqualityComparer.Instance), 0);
        return text.ToString();
    }

    private static void Write(StringBuilder text, object? value, Dictionary<object, int> seen, int depth)
    {
        if (value is null)
        {
            text.Append("null");
            return;
        }

        var type = value.GetType();
        text.Append(type.Name).Append(':');
        if (depth > 20)
        {
            text.Append("...");
            return;
        }

        switch (value)
        {
            case string s:
                text.Append('"').Append(s).Append('"');
                return;
            case DateTime d:
                text.Append(d.Ticks).Append(d.Kind);
                return;
            case IFormattable f when type.IsPrimitive || type.IsEnum || value is decimal or BigInteger or Guid or DateTimeOffset or TimeSpan:
                text.Append(f.ToString(null, CultureInfo.InvariantCulture));
                return;
            case Type t:
                text.Append(t.FullName);
                return;
        }

        if (!type.IsValueType)
        {
            if (seen.TryGetValue(value, out var id))
            {
                text.Append('#').Append(id);
                return;
            }

            seen[value] = seen.Count;
        }

        if (value is IDictionary dictionary)
        {
            var comparer = type.GetProperty("Comparer")?.GetValue(value);
            text.Append("cmp=").Append(comparer?.GetType().Name).Append('{');
            foreach (var key in dictionary.Keys.Cast<object>().OrderBy(k => k.ToString(), StringComparer.Ordinal))
            {
                Write(text, key, seen, depth + 1);
                text.Append('=');
                Write(text, dictionary[key], seen, depth + 1);
                text.Append(',');
            }

            text.Append('}');
            return;
        }

        if (value is IEnumerable sequence and not Array { Rank: > 1 })
        {
            var items = sequence.Cast<object?>().Select(i => Of(i));
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(HashSet<>))
            {
                items = items.Order(StringComparer.Ordinal);
            }

            text.Append('[').AppendJoin(",", items).Append(']');
            return;
        }

        if (value is Array multi)
        {
            text.Append('[').AppendJoin(",", multi.Cast<object?>().Select(i => Of(i))).Append(']');
            return;
        }

        text.Append('{');
        foreach (var field in type.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append(field.Name).Append('=');
            Write(text, field.GetValue(value), seen, depth + 1);
            text.Append(';');
        }

        text.Append('}');
    }
}
