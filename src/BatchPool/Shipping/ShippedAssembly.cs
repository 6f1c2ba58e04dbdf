namespace BatchPool.Shipping;

/// <summary>
/// One user assembly in storage: its name, the SHA-256 of its file (its storage key, and what the worker checks before
/// loading it) and, when its symbols were shipped too (so remote stack traces show file and line), the SHA-256 of its .pdb.
/// </summary>
internal sealed record ShippedAssembly(string Name, string Sha256, string? SymbolsSha256)
{
    public string ToManifestLine() => $"{Name}|{Sha256}|{SymbolsSha256}";

    public static ShippedAssembly FromManifestLine(string line)
    {
        var parts = line.Split('|');
        if (parts.Length != 3 || parts[1].Length != 64 || parts[2].Length is not (0 or 64))
        {
            throw new InvalidDataException($"'{line}' is not a shipped-assembly entry.");
        }
        return new ShippedAssembly(parts[0], parts[1], parts[2].Length == 0 ? null : parts[2]);
    }
}
