using BatchPool.Tests.UserCode;
using CsCheck;

namespace BatchPool.Tests.Codec;

public class PropertyTests
{
    private static readonly Gen<object?> Leaf = Gen.OneOf<object?>(
        Gen.Int.Select(i => (object?)i),
        Gen.Long.Select(l => (object?)l),
        Gen.Double.Select(d => (object?)d),
        Gen.Bool.Select(b => (object?)b),
        Gen.Char.Select(c => (object?)c),
        Gen.Decimal.Select(d => (object?)d),
        Gen.String.Select(s => (object?)s),
        Gen.Int[0, 0].Select(_ => (object?)null),
        Gen.DateTime.Select(d => (object?)d),
        Gen.Double.Array[0, 50].Select(a => (object?)a),
        Gen.Int.Array[0, 50].Select(a => (object?)a));

    private static readonly Gen<object?> Value = Gen.Recursive<object?>((depth, self) => depth >= 3
        ? Leaf
        : Gen.Frequency(
            (4, Leaf),
            (1, self.List[0, 5].Select(l => (object?)l)),
            (1, self.Array[0, 5].Select(a => (object?)a)),
            (1, Gen.Dictionary(Gen.String, self)[0, 5].Select(d => (object?)d)),
            (1, Gen.Select(Gen.Double, Gen.Double, Gen.String, (x, y, s) => (object?)new Point(x, y, s))),
            (1, Gen.Select(Gen.String, Gen.Decimal, (u, a) => (object?)new Measure(u, a))),
            (1, Gen.Select(Gen.Int, Gen.String, (i, s) => (object?)(i, s)))));

    [Fact]
    public void Generated_values_round_trip() =>
        Value.Sample(value => Assert.Equal(ValueText.Of(value), ValueText.Of(CodecTestKit.RoundTrip(value))), iter: 300);
}
