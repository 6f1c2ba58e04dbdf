#pragma warning disable CA1051, CA1815, CA1819, CA1002, CA2227, CA1716, CA1024, CA1720, CA1305, CA1307, CA1310, CA1822, CA5394
namespace BatchPool.Tests.UserCode;

/// <summary>A record, shipped as a value.</summary>
public record Point(double X, double Y, string Label);

/// <summary>A record struct, shipped as a value.</summary>
public readonly record struct Measure(string Unit, decimal Amount);

/// <summary>An enum, shipped as a value and in arrays.</summary>
public enum Colour
{
    Red,
    Green,
    Blue,
}

/// <summary>A polymorphic base type.</summary>
public abstract class Animal
{
    public abstract string Speak();
}

/// <summary>A subclass captured as <see cref="Animal"/> or <see cref="object"/>.</summary>
public sealed class Dog : Animal
{
    public string Name = "rex";

    public override string Speak() => Name + ":woof";
}

/// <summary>A plain class with public fields, for cycles.</summary>
public sealed class Node
{
    public int Value;
    public Node? Next;
}

/// <summary>A user struct without attributes.</summary>
public struct Pair
{
    public int Left;
    public string Right;
}

/// <summary>A blittable user struct (raw-copied in arrays).</summary>
public struct Vec3
{
    public float X;
    public float Y;
    public float Z;
}

/// <summary>Mutable, with value equality by <see cref="Id"/>: two distinct instances must stay distinct.</summary>
public sealed class Entity(int id)
{
    public int Id { get; } = id;

    public string Note { get; set; } = "";

    public override bool Equals(object? obj) => obj is Entity e && e.Id == Id;

    public override int GetHashCode() => Id;
}

/// <summary>A user class with private state, no parameterless constructor and a reference to itself.</summary>
public class Scaler
{
    private readonly int _factor;
    private readonly string _name;
    private readonly List<int> _history = [1, 2];
    private readonly Scaler _self;

    public Scaler(int factor, string name)
    {
        _factor = factor;
        _name = name;
        _self = this;
    }

    public int Apply(int x) => x * _factor;

    public Func<int> MakeClosure(int offset) => () => (_factor * offset) + _name.Length + _history.Count + (ReferenceEquals(_self, this) ? 1000 : 0);

    public Func<int> MakeThisOnly() => () => _factor + _name.Length;
}

/// <summary>A user class holding a delegate that points back at it (event-handler shape).</summary>
public sealed class Counter
{
    private int _count;

    public Counter()
    {
        OnTick = Tick;
    }

    public Func<int> OnTick { get; }

    private int Tick() => ++_count + 100;
}

/// <summary>A user exception with a custom property and no parameterless constructor.</summary>
public class UserFailure : Exception
{
    public UserFailure(string message, int code, Exception? inner)
        : base(message, inner)
    {
        Code = code;
    }

    public int Code { get; }
}

/// <summary>A custom comparer shipped with its dictionary.</summary>
public sealed class ModuloComparer(int modulus) : IEqualityComparer<int>
{
    public int Modulus { get; } = modulus;

    public bool Equals(int x, int y) => x % Modulus == y % Modulus;

    public int GetHashCode(int obj) => obj % Modulus;
}

/// <summary>Holds a native pointer: refused.</summary>
public sealed class NativeBuffer
{
    public IntPtr Address = new(42);
}

/// <summary>A type whose [NonSerialized] fields hold what only this process can use: they stay behind.</summary>
public sealed class CachedReader
{
    public string Path = "";

    [NonSerialized]
    public FileStream? Open;

    [NonSerialized]
    public int CachedLength = -1;

    [NonSerialized]
    public IntPtr Native = new(7);
}

/// <summary>Optional fields, null or set.</summary>
public sealed class Appointment
{
    public int? Room;
    public DateTime? At;
}

/// <summary>A user struct held in a field.</summary>
public sealed class PairHolder
{
    public Pair Pair;
}

/// <summary>A record holding a dictionary.</summary>
public sealed record Inventory(string Name, Dictionary<string, int> Counts);

/// <summary>A flags enum, shipped as a combination.</summary>
[Flags]
public enum Access
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
}

/// <summary>Two fields that may hold the same list.</summary>
public sealed class ListPair
{
    public List<int> First = [];
    public List<int> Second = [];
}

/// <summary>A user's dictionary type: a case-insensitive <see cref="Dictionary{TKey,TValue}"/> with a field of its own.</summary>
public sealed class WordCounts : Dictionary<string, int>
{
    public WordCounts()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    public string? Source { get; set; }
}

/// <summary>A user's dictionary type keyed by records, whose hash codes (of their strings) differ between processes.</summary>
public sealed class PointIndex : Dictionary<object, string>
{
    public int Revision { get; set; }
}

/// <summary>A user's set type with a field of its own.</summary>
public sealed class TagSet : HashSet<string>
{
    public int Version { get; set; }
}

/// <summary>Looks keys up in a collection where it is decoded: hash buckets copied from another process miss.</summary>
public static class CollectionProbe
{
    public static bool[] Contains(object collection, object[] keys) => collection switch
    {
        System.Collections.IDictionary dictionary => [.. keys.Select(dictionary.Contains)],
        ILookup<string, int> lookup => [.. keys.Select(k => lookup.Contains((string)k))],
        ICollection<string> set => [.. keys.Select(k => set.Contains((string)k))],
        _ => throw new ArgumentException("not a keyed collection: " + collection.GetType(), nameof(collection)),
    };
}
