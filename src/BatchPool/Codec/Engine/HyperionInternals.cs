using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Hyperion;
using Hyperion.ValueSerializers;

namespace BatchPool.Codec;

/// <summary>The two private fields of Hyperion 0.12.2 the codec adjusts (checked by tests on every upgrade).</summary>
internal static class HyperionInternals
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_objects")]
    public static extern ref Dictionary<object, int> TrackedObjects(SerializerSession session);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_serializers")]
    public static extern ref ConcurrentDictionary<Type, ValueSerializer> Serializers(Serializer serializer);
}
