using System.Reflection;
using System.Reflection.Emit;
using BatchPool.Codec;

namespace BatchPool.Tests.Codec;

/// <summary>The simple name a payload gives an assembly is the one its <see cref="AssemblyName"/> has.</summary>
public sealed class AssemblyIdentityTests
{
    [Fact]
    public void Every_loaded_assembly_is_named_as_its_assembly_name_says()
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            Assert.Equal(assembly.GetName().Name, AssemblyIdentity.Of(assembly).SimpleName);
        }
    }

    [Theory]
    [InlineData("with\\,comma")]
    [InlineData("with\\=equals")]
    [InlineData(" padded")]
    [InlineData("\"quoted, with comma\"")]
    public void An_escaped_name_is_unescaped(string name)
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(name), AssemblyBuilderAccess.Run);

        Assert.Equal(assembly.GetName().Name, AssemblyIdentity.Of(assembly).SimpleName);
    }
}
