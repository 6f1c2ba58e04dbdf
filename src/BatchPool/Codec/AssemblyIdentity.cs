using System.Collections.Concurrent;
using System.Reflection;
using System.Text;

namespace BatchPool.Codec;

/// <summary>
/// An assembly's simple name and build id (MVID), computed once per assembly: <see cref="Assembly.GetName()"/> builds a
/// new <see cref="AssemblyName"/> on every call, and every payload names its assemblies.
/// </summary>
internal sealed class AssemblyIdentity
{
    private static readonly ConcurrentDictionary<Assembly, AssemblyIdentity> Identities = MetadataCaches.Create<Assembly, AssemblyIdentity>();

    private AssemblyIdentity(Assembly assembly)
    {
        SimpleName = SimpleNameOf(assembly);
        Utf8Name = Encoding.UTF8.GetBytes(SimpleName);
        BuildId = assembly.ManifestModule.ModuleVersionId;
    }

    public string SimpleName { get; }

    public byte[] Utf8Name { get; }

    /// <summary>The module version id of the assembly's manifest module: any rebuild with a change changes it.</summary>
    public Guid BuildId { get; }

    /// <summary>
    /// The part of the assembly's display name before its first comma, when nothing in it is escaped or quoted (every
    /// name a compiler gives); else <see cref="Assembly.GetName()"/>'s, which builds a whole <see cref="AssemblyName"/>
    /// and the assembly's culture.
    /// </summary>
    private static string SimpleNameOf(Assembly assembly)
    {
        var fullName = assembly.FullName.AsSpan();
        var comma = fullName.IndexOf(',');
        var simple = comma < 0 ? fullName : fullName[..comma];
        return simple.Length > 0 && IsPlain(simple) && simple.Trim().Length == simple.Length
            ? simple.ToString()
            : assembly.GetName().Name ?? string.Empty;
    }

    /// <summary>
    /// Whether a name holds no escape, quote or '='. A loop, not IndexOfAny: its vectorized search is compiled at run time,
    /// in a fresh client and worker.
    /// </summary>
    private static bool IsPlain(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (c is '\\' or '"' or '\'' or '=')
            {
                return false;
            }
        }
        return true;
    }

    public static AssemblyIdentity Of(Assembly assembly) =>
        Identities.TryGetValue(assembly, out var identity) ? identity : Identities.GetOrAdd(assembly, static a => new AssemblyIdentity(a));
}
