namespace BatchPool.Tests.UserCode;

/// <summary>An exception of the user's, with a property of its own, for tests that throw it remotely.</summary>
public sealed class InventoryException : Exception
{
    public InventoryException(string message, int missingItems, Exception? inner = null)
        : base(message, inner) => MissingItems = missingItems;

    public int MissingItems { get; }
}

/// <summary>A user class without a parameterless constructor whose instance methods and private state travel with closures.</summary>
public sealed class Warehouse(string name, int stock)
{
    private readonly List<string> _log = [];

    public string Name => name;

    /// <summary>A closure over <c>this</c>: its private fields travel with it.</summary>
    public Func<int, int> Reserve() => count =>
    {
        _log.Add($"reserve {count}");
        return count > stock ? throw new InventoryException($"{name} is short of {count - stock}", count - stock) : stock - count;
    };

    public int Remaining(int taken) => stock - taken;
}
