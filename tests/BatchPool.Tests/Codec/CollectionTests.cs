using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Dynamic;
using System.Globalization;
using System.Numerics;
using System.Text;
using BatchPool.Codec;
using BatchPool.Tests.UserCode;

namespace BatchPool.Tests.Codec;

/// <summary>
/// Keyed collections shipped to a CodecHost that looks keys up there: string hash codes are seeded per process, so
/// buckets copied as they are miss in the reader even when an in-process round trip finds every key.
/// </summary>
public sealed class CollectionProbeFixture : IDisposable
{
    private readonly Dictionary<string, Exception> _encodeErrors = [];

    public CollectionProbeFixture()
    {
        foreach (var (name, (collection, keys)) in Cases)
        {
            try
            {
                var probe = new Func<object, object[], bool[]>(CollectionProbe.Contains);
                Host.Add(name, CodecTestKit.Codec.Encode(new JobInput(probe, [[collection, keys]]), PayloadKind.JobInput).Bytes);
            }
            catch (Exception e) when (e is UnserializableValueException or NotSupportedException or InvalidOperationException)
            {
                _encodeErrors[name] = e;
            }
        }
    }

    public static Dictionary<string, (object Collection, object[] Keys)> Cases { get; } = MakeCases();

    public CodecHostRun Host { get; } = new();

    public Exception? EncodeErrorOf(string name) => _encodeErrors.GetValueOrDefault(name);

    public void Dispose() => Host.Dispose();

    private static Dictionary<string, (object, object[])> MakeCases()
    {
        var words = Enumerable.Range(0, 40).Select(i => $"word{i}").ToArray();
        object[] keys = ["word7", "WORD7", "word39", "absent"];
        var hashtable = new Hashtable();
        foreach (var word in words)
        {
            hashtable[word] = word.Length;
        }

        var concurrent = new ConcurrentDictionary<string, int>(words.Select(w => KeyValuePair.Create(w, w.Length)));
        var concurrentIgnoreCase = new ConcurrentDictionary<string, int>(words.Select(w => KeyValuePair.Create(w, w.Length)), StringComparer.OrdinalIgnoreCase);
        var wordCounts = new WordCounts { Source = "words" };
        var tags = new TagSet { Version = 3 };
        foreach (var word in words)
        {
            wordCounts[word] = word.Length;
            tags.Add(word);
        }

        var pointIndex = new PointIndex { Revision = 2 };
        foreach (var word in words)
        {
            pointIndex[new Point(word.Length, 0, word)] = word;
        }

        object[] pointKeys = [new Point(5, 0, "word7"), new Point(6, 0, "word39"), new Point(5, 0, "WORD7"), new Point(1, 0, "absent")];
        return new()
        {
            ["userDictionarySubclassWithRecordKeys"] = (pointIndex, pointKeys),
            ["orderedDictionaryWithRecordKeys"] = (new OrderedDictionary<object, string>(words.Select(w => KeyValuePair.Create((object)new Point(w.Length, 0, w), w))), pointKeys),
            ["frozenDictionaryWithRecordKeys"] = (words.ToFrozenDictionary(w => (object)new Point(w.Length, 0, w), w => w), pointKeys),
            ["userDictionarySubclass"] = (wordCounts, keys),
            ["userHashSetSubclass"] = (tags, keys),
            ["orderedDictionary"] = (new OrderedDictionary<string, int>(words.Select(w => KeyValuePair.Create(w, w.Length))), keys),
            ["frozenDictionary"] = (words.ToFrozenDictionary(w => w, w => w.Length), keys),
            ["frozenDictionaryIgnoreCase"] = (words.ToFrozenDictionary(w => w, w => w.Length, StringComparer.OrdinalIgnoreCase), keys),
            ["frozenSet"] = (words.ToFrozenSet(), keys),
            ["hashtable"] = (hashtable, keys),
            ["concurrentDictionary"] = (concurrent, keys),
            ["concurrentDictionaryIgnoreCase"] = (concurrentIgnoreCase, keys),
            ["immutableDictionary"] = (words.ToImmutableDictionary(w => w, w => w.Length), keys),
            ["immutableDictionaryIgnoreCase"] = (words.ToImmutableDictionary(w => w, w => w.Length, StringComparer.OrdinalIgnoreCase), keys),
            ["immutableHashSet"] = (words.ToImmutableHashSet(), keys),
            ["lookup"] = (words.ToLookup(w => w, w => w.Length), keys),
            ["hashSet"] = (words.ToHashSet(), keys),
            ["recordKeyedDictionary"] = (
                words.ToDictionary(w => (object)new Point(w.Length, 0, w), w => w),
                [new Point(5, 0, "word7"), new Point(6, 0, "word39"), new Point(5, 0, "WORD7"), new Point(1, 0, "absent")]),
        };
    }
}

/// <summary>
/// Values a user naturally captures arrive with their behaviour: lookups, comparers, order, counts and shared references,
/// not just the same text.
/// </summary>
public class CollectionTests(CollectionProbeFixture probes) : IClassFixture<CollectionProbeFixture>
{
    private static readonly CultureInfo Turkish = new("tr-TR");

    public static TheoryData<string> ProbeCases() => [.. CollectionProbeFixture.Cases.Keys];

    private static T RoundTrip<T>(T value) => Assert.IsAssignableFrom<T>(CodecTestKit.RoundTrip(value));

    [Fact]
    public void List_keeps_its_count_and_elements()
    {
        var decoded = RoundTrip(new List<string?> { "a", null, "c" });
        Assert.Equal(["a", null, "c"], decoded);
        decoded.Add("d");
        Assert.Equal(4, decoded.Count);
    }

    [Fact]
    public void List_with_spare_capacity_keeps_only_its_elements()
    {
        var list = new List<int>(10_000) { 1, 2, 3 };
        var decoded = RoundTrip(list);
        Assert.Equal(3, decoded.Count);
        Assert.Equal([1, 2, 3], decoded);
        decoded.Add(4);
        Assert.Equal([1, 2, 3, 4], decoded);
    }

    [Fact]
    public void Linked_list_keeps_order_and_links()
    {
        var decoded = RoundTrip(new LinkedList<string>(["a", "b", "c"]));
        Assert.Equal(["a", "b", "c"], decoded);
        Assert.Equal(3, decoded.Count);
        Assert.Equal("c", decoded.Last!.Value);
        Assert.Same(decoded.First, decoded.First!.Next!.Previous);
        Assert.Same(decoded, decoded.Last.List);
        decoded.AddFirst("z");
        Assert.Equal(["z", "a", "b", "c"], decoded);
    }

    [Fact]
    public void Queue_dequeues_in_the_original_order()
    {
        var queue = new Queue<int>();
        for (var i = 0; i < 10; i++)
        {
            queue.Enqueue(i);
        }

        // Wrapped: the head is no longer at index 0 of the internal array.
        queue.Dequeue();
        queue.Dequeue();
        queue.Enqueue(10);
        var decoded = RoundTrip(queue);
        Assert.Equal(9, decoded.Count);
        Assert.Equal(Enumerable.Range(2, 9), Enumerable.Range(0, 9).Select(_ => decoded.Dequeue()));
    }

    [Fact]
    public void Stack_pops_in_the_original_order()
    {
        var stack = new Stack<int>([1, 2, 3]);
        var decoded = RoundTrip(stack);
        Assert.Equal(3, decoded.Count);
        Assert.Equal(3, decoded.Pop());
        Assert.Equal(2, decoded.Pop());
        Assert.Equal(1, decoded.Pop());
    }

    [Fact]
    public void Sorted_dictionary_keeps_an_ordinal_ignore_case_comparer()
    {
        var dictionary = new SortedDictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["b"] = 2, ["A"] = 1, ["c"] = 3 };
        var decoded = RoundTrip(dictionary);
        Assert.Equal(["A", "b", "c"], decoded.Keys);
        Assert.True(decoded.ContainsKey("a"), "the comparer was lost: a is not found");
        Assert.Equal(2, decoded["B"]);
        Assert.Same(StringComparer.OrdinalIgnoreCase, decoded.Comparer);
    }

    [Fact]
    public void Sorted_dictionary_keeps_a_culture_aware_comparer()
    {
        var comparer = StringComparer.Create(Turkish, ignoreCase: true);
        var dictionary = new SortedDictionary<string, int>(comparer) { ["İstanbul"] = 1, ["Ankara"] = 2 };
        Assert.True(dictionary.ContainsKey("istanbul"));
        Assert.False(dictionary.ContainsKey("ISTANBUL"));
        var decoded = RoundTrip(dictionary);
        Assert.Equal(["Ankara", "İstanbul"], decoded.Keys);
        Assert.True(decoded.ContainsKey("istanbul"), "the comparer was lost: istanbul is not found");
        Assert.False(decoded.ContainsKey("ISTANBUL"));
        Assert.Equal(comparer, decoded.Comparer);
    }

    [Fact]
    public void Sorted_set_keeps_an_ordinal_ignore_case_comparer()
    {
        var decoded = RoundTrip(new SortedSet<string>(["b", "A", "c"], StringComparer.OrdinalIgnoreCase));
        Assert.Equal(["A", "b", "c"], decoded);
        Assert.Contains("B", decoded);
        Assert.False(decoded.Add("a"));
        Assert.Same(StringComparer.OrdinalIgnoreCase, decoded.Comparer);
    }

    [Fact]
    public void Sorted_set_keeps_a_culture_aware_comparer()
    {
        var comparer = StringComparer.Create(Turkish, ignoreCase: true);
        var decoded = RoundTrip(new SortedSet<string>(["İstanbul", "Ankara"], comparer));
        Assert.Equal(["Ankara", "İstanbul"], decoded);
        Assert.Contains("istanbul", decoded);
        Assert.DoesNotContain("ISTANBUL", decoded);
        Assert.Equal(comparer, decoded.Comparer);
    }

    [Fact]
    public void Concurrent_dictionary_lookups_work_after_the_round_trip()
    {
        var dictionary = new ConcurrentDictionary<string, int>();
        for (var i = 0; i < 100; i++)
        {
            dictionary[$"k{i}"] = i;
        }

        var decoded = RoundTrip(dictionary);
        Assert.Equal(100, decoded.Count);
        Assert.Equal(42, decoded["k42"]);
        Assert.True(decoded.TryGetValue("k99", out var last) && last == 99);
        Assert.False(decoded.ContainsKey("K42"));
        Assert.Equal(100, decoded.AddOrUpdate("k0", 0, (_, _) => 100));
        Assert.Equal(100, decoded.Count);
    }

    [Fact]
    public void Concurrent_dictionary_keeps_its_comparer()
    {
        var dictionary = new ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["Key"] = 1 };
        var decoded = RoundTrip(dictionary);
        Assert.True(decoded.ContainsKey("KEY"), "the comparer was lost: KEY is not found");
        Assert.False(decoded.TryAdd("key", 2));
        Assert.Same(StringComparer.OrdinalIgnoreCase, decoded.Comparer);
    }

    [Fact]
    public void Immutable_dictionary_lookups_work_after_the_round_trip()
    {
        var dictionary = Enumerable.Range(0, 100).ToImmutableDictionary(i => $"k{i}", i => i);
        var decoded = RoundTrip(dictionary);
        Assert.Equal(100, decoded.Count);
        Assert.Equal(42, decoded["k42"]);
        Assert.False(decoded.ContainsKey("K42"));
        Assert.Equal(101, decoded.Add("new", 0).Count);
        Assert.Equal(99, decoded.Remove("k1").Count);
    }

    [Fact]
    public void Immutable_dictionary_keeps_its_comparer()
    {
        var dictionary = ImmutableDictionary.Create<string, int>(StringComparer.OrdinalIgnoreCase).Add("Key", 1);
        var decoded = RoundTrip(dictionary);
        Assert.True(decoded.ContainsKey("KEY"), "the comparer was lost: KEY is not found");
        Assert.Single(decoded.SetItem("key", 2));
        Assert.Same(StringComparer.OrdinalIgnoreCase, decoded.KeyComparer);
    }

    [Fact]
    public void Immutable_hash_set_lookups_work_after_the_round_trip()
    {
        var set = Enumerable.Range(0, 100).Select(i => $"s{i}").ToImmutableHashSet();
        var decoded = RoundTrip(set);
        Assert.Equal(100, decoded.Count);
        Assert.Contains("s42", decoded);
        Assert.DoesNotContain("S42", decoded);
        Assert.Same(decoded, decoded.Add("s0"));
    }

    [Fact]
    public void Immutable_list_keeps_order()
    {
        var decoded = RoundTrip(ImmutableList.Create(3, 1, 2));
        Assert.Equal([3, 1, 2], decoded);
        Assert.Equal(1, decoded.IndexOf(1));
        Assert.Equal([3, 1, 2, 4], decoded.Add(4));
    }

    [Fact]
    public void Immutable_array_keeps_its_elements()
    {
        var decoded = RoundTrip(ImmutableArray.Create(3, 1, 2));
        Assert.False(decoded.IsDefault);
        Assert.Equal(3, decoded.Length);
        Assert.Equal<int>([3, 1, 2], decoded);
        Assert.Equal(1, decoded.IndexOf(1));
    }

    [Fact]
    public void Immutable_sorted_dictionary_keeps_order_comparer_and_lookups()
    {
        var dictionary = ImmutableSortedDictionary.Create<string, int>(StringComparer.OrdinalIgnoreCase).Add("b", 2).Add("A", 1).Add("c", 3);
        var decoded = RoundTrip(dictionary);
        Assert.Equal(["A", "b", "c"], decoded.Keys);
        Assert.True(decoded.ContainsKey("B"), "the comparer was lost: B is not found");
        Assert.Equal(4, decoded.Add("d", 4).Count);
        Assert.Same(StringComparer.OrdinalIgnoreCase, decoded.KeyComparer);
    }

    [Fact]
    public void Hashtable_lookups_work_after_the_round_trip()
    {
        var table = new Hashtable();
        for (var i = 0; i < 50; i++)
        {
            table[$"k{i}"] = i;
            table[i] = $"v{i}";
        }

        var decoded = RoundTrip(table);
        Assert.Equal(100, decoded.Count);
        Assert.Equal(42, decoded["k42"]);
        Assert.Equal("v7", decoded[7]);
        Assert.True(decoded.ContainsKey("k0"));
        Assert.False(decoded.ContainsKey("K0"));
    }

    [Fact]
    public void Key_value_pair_round_trips()
    {
        var decoded = RoundTrip(new KeyValuePair<string, int>("k", 7));
        Assert.Equal("k", decoded.Key);
        Assert.Equal(7, decoded.Value);
    }

    [Fact]
    public void Array_of_value_tuples_round_trips()
    {
        var decoded = RoundTrip(new (int, string)[] { (1, "one"), (2, "two"), (0, null!) });
        Assert.Equal([(1, "one"), (2, "two"), (0, null!)], decoded);
    }

    [Fact]
    public void Array_of_nullable_ints_keeps_its_nulls()
    {
        var decoded = RoundTrip(new int?[] { 1, null, -3, null });
        Assert.Equal([1, null, -3, null], decoded);
    }

    [Fact]
    public void Nullable_fields_keep_null_and_set_values()
    {
        var at = new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc);
        var decoded = RoundTrip(new[] { new Appointment { Room = 5, At = at }, new Appointment() });
        Assert.Equal(5, decoded[0].Room);
        Assert.Equal(at, decoded[0].At);
        Assert.Equal(DateTimeKind.Utc, decoded[0].At!.Value.Kind);
        Assert.Null(decoded[1].Room);
        Assert.Null(decoded[1].At);
    }

    [Fact]
    public void User_struct_with_a_string_round_trips_in_an_array_and_in_a_field()
    {
        var array = new[] { new Pair { Left = 1, Right = "one" }, new Pair { Left = 2, Right = null! } };
        var holder = new PairHolder { Pair = new Pair { Left = 3, Right = "three" } };
        var decoded = RoundTrip(new object[] { array, holder });
        var pairs = Assert.IsType<Pair[]>(decoded[0]);
        Assert.Equal(1, pairs[0].Left);
        Assert.Equal("one", pairs[0].Right);
        Assert.Equal(2, pairs[1].Left);
        Assert.Null(pairs[1].Right);
        var pair = Assert.IsType<PairHolder>(decoded[1]).Pair;
        Assert.Equal(3, pair.Left);
        Assert.Equal("three", pair.Right);
    }

    [Fact]
    public void Culture_info_keeps_its_name_and_casing_rules()
    {
        var decoded = RoundTrip(new CultureInfo("tr-TR"));
        Assert.Equal("tr-TR", decoded.Name);
        Assert.Equal("İ", "i".ToUpper(decoded));
        Assert.Equal(0, string.Compare("istanbul", "İSTANBUL", decoded, CompareOptions.IgnoreCase));
    }

    [Fact]
    public void Dictionary_inside_a_record_lookups_work_after_the_round_trip()
    {
        var inventory = new Inventory("shop", new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["Apple"] = 3, ["Pear"] = 5 });
        var decoded = RoundTrip(inventory);
        Assert.Equal("shop", decoded.Name);
        Assert.Equal(3, decoded.Counts["APPLE"]);
        Assert.Equal(5, decoded.Counts["pear"]);
        Assert.Equal(2, decoded.Counts.Count);
    }

    [Fact]
    public void Multi_dimensional_arrays_keep_shape_and_elements()
    {
        var strings = new string?[,] { { "a", "b", "c" }, { null, "e", "f" } };
        var doubles = new double[2, 3, 4];
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                for (var k = 0; k < 4; k++)
                {
                    doubles[i, j, k] = (i * 100) + (j * 10) + k + 0.5;
                }
            }
        }

        var decoded = RoundTrip(new object[] { strings, doubles });
        var decodedStrings = Assert.IsType<string?[,]>(decoded[0]);
        Assert.Equal(2, decodedStrings.GetLength(0));
        Assert.Equal(3, decodedStrings.GetLength(1));
        Assert.Equal("c", decodedStrings[0, 2]);
        Assert.Null(decodedStrings[1, 0]);
        Assert.Equal(strings, decodedStrings);
        var decodedDoubles = Assert.IsType<double[,,]>(decoded[1]);
        Assert.Equal([2, 3, 4], Enumerable.Range(0, 3).Select(decodedDoubles.GetLength));
        Assert.Equal(123.5, decodedDoubles[1, 2, 3]);
        Assert.Equal(doubles, decodedDoubles);
    }

    [Fact]
    public void Array_with_a_non_zero_lower_bound_keeps_its_bounds()
    {
        var array = Array.CreateInstance(typeof(int), [3], [5]);
        array.SetValue(50, 5);
        array.SetValue(70, 7);
        var decoded = RoundTrip(array);
        Assert.Equal(array.GetType(), decoded.GetType());
        Assert.Equal(5, decoded.GetLowerBound(0));
        Assert.Equal(3, decoded.Length);
        Assert.Equal(50, decoded.GetValue(5));
        Assert.Equal(0, decoded.GetValue(6));
        Assert.Equal(70, decoded.GetValue(7));
    }

    [Fact]
    public void Two_dimensional_array_with_non_zero_lower_bounds_keeps_its_bounds()
    {
        var array = Array.CreateInstance(typeof(string), [2, 3], [-1, 10]);
        array.SetValue("first", -1, 10);
        array.SetValue("last", 0, 12);
        var decoded = RoundTrip(array);
        Assert.IsType<string[,]>(decoded);
        Assert.Equal(-1, decoded.GetLowerBound(0));
        Assert.Equal(10, decoded.GetLowerBound(1));
        Assert.Equal(2, decoded.GetLength(0));
        Assert.Equal(3, decoded.GetLength(1));
        Assert.Equal("first", decoded.GetValue(-1, 10));
        Assert.Equal("last", decoded.GetValue(0, 12));
        Assert.Null(decoded.GetValue(0, 11));
    }

    [Theory]
    [InlineData("a\uD800b")]
    [InlineData("\uDC00")]
    [InlineData("x\uDBFF")]
    [InlineData("😀 𝄞 \U0010FFFF")]
    [InlineData("")]
    [InlineData("\0nul")]
    public void String_keeps_every_utf16_code_unit(string value)
    {
        var decoded = RoundTrip(value);
        Assert.Equal(value.Length, decoded.Length);
        Assert.Equal(value.ToCharArray(), decoded.ToCharArray());
    }

    [Fact]
    public void Strings_in_an_array_keep_lone_surrogates()
    {
        var values = new[] { "a\uD800b", "😀", "", "\uDFFF" };
        var decoded = RoundTrip(values);
        Assert.Equal(values.Select(v => v.ToCharArray()), decoded.Select(v => v.ToCharArray()));
    }

    [Fact]
    public void Negative_big_integer_round_trips()
    {
        var value = -BigInteger.Pow(7, 90) - 1;
        Assert.Equal(value, RoundTrip(value));
        Assert.Equal(BigInteger.MinusOne, RoundTrip(BigInteger.MinusOne));
    }

    [Fact]
    public void Newer_number_and_date_types_round_trip()
    {
        var values = new object[]
        {
            (Half)(-1.5), Half.NaN, Int128.MinValue, UInt128.MaxValue, new DateOnly(2024, 2, 29), new TimeOnly(23, 59, 59, 999, 999),
        };
        var decoded = RoundTrip(values);
        Assert.Equal((Half)(-1.5), Assert.IsType<Half>(decoded[0]));
        Assert.True(Half.IsNaN(Assert.IsType<Half>(decoded[1])));
        Assert.Equal(Int128.MinValue, Assert.IsType<Int128>(decoded[2]));
        Assert.Equal(UInt128.MaxValue, Assert.IsType<UInt128>(decoded[3]));
        Assert.Equal(new DateOnly(2024, 2, 29), Assert.IsType<DateOnly>(decoded[4]));
        Assert.Equal(new TimeOnly(23, 59, 59, 999, 999), Assert.IsType<TimeOnly>(decoded[5]));
    }

    [Fact]
    public void Uri_keeps_its_parts()
    {
        var decoded = RoundTrip(new Uri("https://user@example.org:8443/a%20b/c?q=1#frag"));
        Assert.Equal("example.org", decoded.Host);
        Assert.Equal(8443, decoded.Port);
        Assert.Equal("/a%20b/c", decoded.AbsolutePath);
        Assert.Equal("?q=1", decoded.Query);
        Assert.Equal("#frag", decoded.Fragment);
        Assert.Equal(new Uri("https://user@example.org:8443/a%20b/c?q=1#frag"), decoded);
        var relative = RoundTrip(new Uri("docs/readme.md", UriKind.Relative));
        Assert.False(relative.IsAbsoluteUri);
        Assert.Equal(new Uri(decoded, "x"), new Uri("https://user@example.org:8443/a%20b/x"));
    }

    [Fact]
    public void Version_keeps_its_parts()
    {
        var decoded = RoundTrip(new Version(1, 2, 3));
        Assert.Equal(new Version(1, 2, 3), decoded);
        Assert.Equal(-1, decoded.Revision);
        Assert.True(decoded < new Version(1, 2, 4));
    }

    [Fact]
    public void String_builder_keeps_its_text_and_stays_usable()
    {
        var builder = new StringBuilder(4);
        for (var i = 0; i < 1000; i++)
        {
            builder.Append(i % 10);
        }

        var decoded = RoundTrip(builder);
        Assert.Equal(1000, decoded.Length);
        Assert.Equal(builder.ToString(), decoded.ToString());
        decoded.Append('!');
        Assert.Equal(builder.ToString() + "!", decoded.ToString());
    }

    [Fact]
    public void Expando_object_keeps_its_members()
    {
        var expando = new ExpandoObject();
        IDictionary<string, object?> members = expando;
        members["Name"] = "x";
        members["Count"] = 3;
        var decoded = (IDictionary<string, object?>)RoundTrip(expando);
        Assert.Equal(2, decoded.Count);
        Assert.Equal("x", decoded["Name"]);
        Assert.Equal(3, decoded["Count"]);
    }

    [Fact]
    public void Evaluated_lazy_keeps_its_value()
    {
        var lazy = new Lazy<int>(() => 42);
        _ = lazy.Value;
        var decoded = RoundTrip(lazy);
        Assert.True(decoded.IsValueCreated);
        Assert.Equal(42, decoded.Value);
    }

    [Fact]
    public void Flags_enum_combination_round_trips()
    {
        var decoded = RoundTrip(new object[] { Access.Read | Access.Execute, (Access)64 });
        var access = Assert.IsType<Access>(decoded[0]);
        Assert.Equal(Access.Read | Access.Execute, access);
        Assert.True(access.HasFlag(Access.Execute));
        Assert.False(access.HasFlag(Access.Write));
        Assert.Equal((Access)64, decoded[1]);
    }

    [Fact]
    public void Char_edge_values_round_trip()
    {
        var chars = new[] { '\0', '\uD800', '\uDFFF', '\uFFFE', '\uFFFF', 'é', char.MaxValue };
        Assert.Equal(chars, RoundTrip(chars));
        Assert.Equal(chars, RoundTrip(chars.Cast<object>().ToArray()).Cast<char>());
    }

    [Fact]
    public void Nan_and_negative_zero_keep_their_bits()
    {
        var payloadNan = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_1234);
        var values = new object[] { double.NaN, -0.0, payloadNan, -0.0f, float.NaN, double.NegativeInfinity, double.Epsilon };
        var decoded = RoundTrip(values);
        Assert.Equal(BitConverter.DoubleToInt64Bits(double.NaN), BitConverter.DoubleToInt64Bits((double)decoded[0]));
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits((double)decoded[1]));
        Assert.Equal(0x7FF8_0000_0000_1234, BitConverter.DoubleToInt64Bits((double)decoded[2]));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0.0f), BitConverter.SingleToInt32Bits((float)decoded[3]));
        Assert.True(float.IsNaN((float)decoded[4]));
        Assert.Equal(double.NegativeInfinity, decoded[5]);
        Assert.Equal(double.Epsilon, decoded[6]);
        var array = RoundTrip(new[] { -0.0, double.NaN });
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(array[0]));
    }

    [Fact]
    public void Decimal_keeps_its_scale()
    {
        var values = new object[] { 1.500m, 0.00m, -0.0m, decimal.MaxValue, 1e-28m };
        var decoded = RoundTrip(values);
        Assert.Equal(values.Select(v => decimal.GetBits((decimal)v)), decoded.Select(v => decimal.GetBits((decimal)v)));
        Assert.Equal("1.500", ((decimal)decoded[0]).ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Lookup_from_to_lookup_works_after_the_round_trip()
    {
        var lookup = Enumerable.Range(0, 30).ToLookup(i => $"g{i % 3}", i => i);
        var decoded = RoundTrip(lookup);
        Assert.Equal(3, decoded.Count);
        Assert.True(decoded.Contains("g1"));
        Assert.False(decoded.Contains("G1"));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (i * 3) + 2), decoded["g2"]);
        Assert.Empty(decoded["missing"]);
        Assert.Equal(["g0", "g1", "g2"], decoded.Select(g => g.Key));
    }

    [Fact]
    public void Lookup_keeps_its_comparer()
    {
        var lookup = new[] { "a", "A", "b" }.ToLookup(s => s, StringComparer.OrdinalIgnoreCase);
        var decoded = RoundTrip(lookup);
        Assert.Equal(2, decoded.Count);
        Assert.Equal(["a", "A"], decoded["A"]);
    }

    [Fact]
    public void Dictionary_keyed_by_records_and_boxed_ints_lookups_work_after_the_round_trip()
    {
        var dictionary = new Dictionary<object, string>
        {
            [new Point(1, 2, "p")] = "point",
            [7] = "seven",
            [7L] = "long seven",
            ["7"] = "text seven",
        };
        var decoded = RoundTrip(dictionary);
        Assert.Equal(4, decoded.Count);
        Assert.Equal("point", decoded[new Point(1, 2, "p")]);
        Assert.Equal("seven", decoded[7]);
        Assert.Equal("long seven", decoded[7L]);
        Assert.Equal("text seven", decoded["7"]);
        Assert.False(decoded.ContainsKey(new Point(1, 2, "q")));
    }

    [Fact]
    public void List_referenced_twice_arrives_as_one_instance()
    {
        var list = new List<int> { 1, 2 };
        var decoded = RoundTrip(new ListPair { First = list, Second = list });
        Assert.Same(decoded.First, decoded.Second);
        decoded.First.Add(3);
        Assert.Equal([1, 2, 3], decoded.Second);
        var distinct = RoundTrip(new ListPair { First = [1], Second = [1] });
        Assert.NotSame(distinct.First, distinct.Second);
    }

    [Fact]
    public void Collections_referenced_twice_in_an_array_arrive_as_one_instance_each()
    {
        var dictionary = new Dictionary<string, int> { ["a"] = 1 };
        var set = new HashSet<int> { 1 };
        var immutable = ImmutableList.Create(1);
        var decoded = RoundTrip(new object[] { dictionary, set, immutable, dictionary, set, immutable });
        Assert.Same(decoded[0], decoded[3]);
        Assert.Same(decoded[1], decoded[4]);
        Assert.Same(decoded[2], decoded[5]);
    }

    [Theory]
    [MemberData(nameof(ProbeCases))]
    public void Keyed_collection_lookups_work_in_another_process(string name)
    {
        Assert.Null(probes.EncodeErrorOf(name));
        var (collection, keys) = CollectionProbeFixture.Cases[name];
        var outcome = Assert.Single(probes.Host.Decoded(name).Outcomes);
        Assert.Null(outcome.Error);
        Assert.Equal(CollectionProbe.Contains(collection, keys), Assert.IsType<bool[]>(outcome.Value));
    }

    [Fact]
    public void A_user_dictionary_type_keeps_its_type_comparer_entries_and_fields()
    {
        var counts = new WordCounts { Source = "text" };
        counts["Apple"] = 2;
        counts["pear"] = 1;
        var decoded = RoundTrip(counts);
        Assert.IsType<WordCounts>(decoded);
        Assert.Equal("text", decoded.Source);
        Assert.Same(StringComparer.OrdinalIgnoreCase, decoded.Comparer);
        Assert.Equal(2, decoded["APPLE"]);
        Assert.Equal(["Apple", "pear"], decoded.Keys);
    }

    [Fact]
    public void A_user_set_type_keeps_its_type_entries_and_fields()
    {
        var tags = new TagSet { Version = 7 };
        tags.Add("b");
        tags.Add("a");
        var decoded = RoundTrip(tags);
        Assert.IsType<TagSet>(decoded);
        Assert.Equal(7, decoded.Version);
        Assert.Equal(["b", "a"], decoded);
    }

    [Fact]
    public void Ordered_dictionary_keeps_its_order_and_comparer()
    {
        var ordered = new OrderedDictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["b"] = 2, ["a"] = 1, ["c"] = 3 };
        ordered.Remove("a");
        ordered.Insert(0, "z", 26);
        var decoded = RoundTrip(ordered);
        Assert.Equal(["z", "b", "c"], decoded.Keys);
        Assert.Equal(2, decoded["B"]);
        Assert.Same(StringComparer.OrdinalIgnoreCase, decoded.Comparer);
    }

    [Fact]
    public void Frozen_dictionary_and_set_keep_entries_and_comparer()
    {
        var frozen = new Dictionary<string, int> { ["One"] = 1, ["Two"] = 2 }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        var decoded = RoundTrip(frozen);
        Assert.Equal(2, decoded["two"]);
        Assert.Equal(2, decoded.Count);
        Assert.Same(StringComparer.OrdinalIgnoreCase, decoded.Comparer);
        var set = RoundTrip(new[] { 3, 1, 2 }.ToFrozenSet());
        Assert.Contains(2, (IReadOnlySet<int>)set);
        Assert.Equal(3, set.Count);
    }
}
