using System.Numerics;
using BatchPool.Tests.UserCode;

namespace BatchPool.Tests.Codec;

public class ValueTests
{
    [Fact]
    public void Sample_values_round_trip()
    {
        var values = CodecCases.SampleValues();
        var decoded = CodecTestKit.RoundTrip(values);
        Assert.Equal(ValueText.Of(values), ValueText.Of(decoded));
    }

    [Fact]
    public void Shared_references_arrive_once_and_equal_but_distinct_objects_stay_distinct()
    {
        var shared = new Point(1, 2, "p");
        var twin = new Point(1, 2, "p");
        var first = new Entity(1) { Note = "a" };
        var second = new Entity(1) { Note = "b" };
        var decoded = (object?[])CodecTestKit.RoundTrip(new object?[] { shared, shared, twin, first, second })!;
        Assert.Same(decoded[0], decoded[1]);
        Assert.NotSame(decoded[0], decoded[2]);
        Assert.NotSame(decoded[3], decoded[4]);
        Assert.Equal("b", ((Entity)decoded[4]!).Note);
    }

    [Fact]
    public void Cycles_round_trip()
    {
        var node = new Node { Value = 1, Next = new Node { Value = 2 } };
        node.Next.Next = node;
        var decoded = (Node)CodecTestKit.RoundTrip(node)!;
        Assert.Same(decoded, decoded.Next!.Next);
    }

    [Fact]
    public void Date_time_kind_decimal_big_integer_and_guid_are_kept()
    {
        var local = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Local);
        var utc = DateTime.SpecifyKind(local, DateTimeKind.Utc);
        var values = (object?[])CodecTestKit.RoundTrip(new object?[] { local, utc, 1.23456789012345678m, BigInteger.Pow(3, 200), Guid.NewGuid() })!;
        Assert.Equal(DateTimeKind.Local, ((DateTime)values[0]!).Kind);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)values[1]!).Kind);
        Assert.Equal(1.23456789012345678m, values[2]);
        Assert.Equal(BigInteger.Pow(3, 200), values[3]);
    }

    [Fact]
    public void Dictionary_and_set_comparers_are_kept()
    {
        var ignoreCase = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["Key"] = 1 };
        var invariant = new Dictionary<string, int>(StringComparer.InvariantCultureIgnoreCase) { ["Key"] = 1 };
        var culture = new HashSet<string>(StringComparer.Create(new System.Globalization.CultureInfo("tr-TR"), ignoreCase: true)) { "I" };
        var modulo = new Dictionary<int, string>(new ModuloComparer(10)) { [3] = "three" };
        var plain = new Dictionary<string, int> { ["Key"] = 1 };
        var decoded = (object?[])CodecTestKit.RoundTrip(new object?[] { ignoreCase, invariant, culture, modulo, plain })!;
        Assert.Same(StringComparer.OrdinalIgnoreCase, ((Dictionary<string, int>)decoded[0]!).Comparer);
        Assert.Equal(1, ((Dictionary<string, int>)decoded[1]!)["KEY"]);
        Assert.Equal(StringComparer.Create(new System.Globalization.CultureInfo("tr-TR"), true), ((HashSet<string>)decoded[2]!).Comparer);
        Assert.Equal("three", ((Dictionary<int, string>)decoded[3]!)[13]);
        Assert.False(((Dictionary<string, int>)decoded[4]!).ContainsKey("KEY"));
    }

    [Fact]
    public void Arrays_of_every_shape_round_trip()
    {
        var big = Enumerable.Range(0, 100_000).Select(i => i * 0.5).ToArray();
        var values = new object?[]
        {
            new int[,] { { 1, 2 }, { 3, 4 } }, new int[][] { [1], [2, 3] }, big, big, new[] { Colour.Red }, new[] { new Vec3 { X = 1 } },
            new[] { DateTime.UnixEpoch }, new string?[] { "a", null }, new object?[] { 1, "x", null }, Array.Empty<double>(), new bool[] { true, false },
        };
        var decoded = (object?[])CodecTestKit.RoundTrip(values)!;
        Assert.Equal(ValueText.Of(values), ValueText.Of(decoded));
        Assert.Same(decoded[2], decoded[3]);
        Assert.Equal(big, (double[])decoded[2]!);
    }

    [Fact]
    public void Null_and_plain_values_round_trip_at_the_top_level()
    {
        Assert.Null(CodecTestKit.RoundTrip(null));
        Assert.Equal(42, CodecTestKit.RoundTrip(42));
        Assert.Equal("s", CodecTestKit.RoundTrip("s"));
        Assert.Equal(typeof(Point), CodecTestKit.RoundTrip(typeof(Point)));
    }

    [Fact]
    public void Deep_linked_list_does_not_overflow_the_stack()
    {
        var head = new Node { Value = 0 };
        var current = head;
        for (var i = 1; i < 100_000; i++)
        {
            current.Next = new Node { Value = i };
            current = current.Next;
        }

        var decoded = (Node)CodecTestKit.RoundTrip(head)!;
        var count = 0;
        for (var n = decoded; n is not null; n = n.Next)
        {
            count++;
        }

        Assert.Equal(100_000, count);
    }

    [Fact]
    public void Regular_expressions_travel_by_pattern_options_and_timeout_compiled_ones_too()
    {
        var interpreted = new System.Text.RegularExpressions.Regex("a+b", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var compiled = new System.Text.RegularExpressions.Regex(@"x(\d+)", System.Text.RegularExpressions.RegexOptions.Compiled, TimeSpan.FromSeconds(3));
        var decoded = (object?[])CodecTestKit.RoundTrip(new object?[] { interpreted, compiled })!;
        var first = Assert.IsType<System.Text.RegularExpressions.Regex>(decoded[0]);
        var second = Assert.IsType<System.Text.RegularExpressions.Regex>(decoded[1]);
        Assert.Matches(first, "xAAB");
        Assert.Equal(System.Text.RegularExpressions.RegexOptions.IgnoreCase, first.Options);
        Assert.Equal("42", second.Match("ax42").Groups[1].Value);
        Assert.Equal(System.Text.RegularExpressions.RegexOptions.Compiled, second.Options);
        Assert.Equal(TimeSpan.FromSeconds(3), second.MatchTimeout);
    }

    [Fact]
    public void Non_serialized_fields_stay_behind_and_are_not_refused()
    {
        using var open = File.OpenRead(typeof(ValueTests).Assembly.Location);
        var reader = new CachedReader { Path = "data.bin", Open = open, CachedLength = 12 };
        var decoded = Assert.IsType<CachedReader>(CodecTestKit.RoundTrip(reader));
        Assert.Equal("data.bin", decoded.Path);
        Assert.Null(decoded.Open);
        Assert.Equal(0, decoded.CachedLength);
        Assert.Equal(IntPtr.Zero, decoded.Native);
    }
}
