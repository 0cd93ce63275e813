namespace Dice.Safetensors.Tests;

public class FloatConversionTests
{
    [Theory]
    [InlineData(1.0f, 0x3C00)]
    [InlineData(-2.0f, 0xC000)]
    [InlineData(65504f, 0x7BFF)]
    [InlineData(0.5f, 0x3800)]
    [InlineData(0f, 0x0000)]
    [InlineData(-0f, 0x8000)]
    [InlineData(float.PositiveInfinity, 0x7C00)]
    [InlineData(5.9604645e-8f, 0x0001)] // 2^-24, the smallest F16 subnormal
    public void Float16_matches_known_bit_patterns(float value, int expectedBits)
    {
        Assert.Equal((ushort)expectedBits, FloatConversion.ToFloat16Bits(value));
        Assert.Equal(value, FloatConversion.FromFloat16Bits((ushort)expectedBits));
    }

    [Theory]
    [InlineData(1f + 1f / 2048, 0x3C00)]             // halfway between 0x3C00 and 0x3C01: ties to the even 0x3C00
    [InlineData(1f + 3f / 2048, 0x3C02)]             // halfway between 0x3C01 and 0x3C02: ties to the even 0x3C02
    [InlineData(1f + 1f / 2048 + 1f / 65536, 0x3C01)] // just above halfway: rounds up
    [InlineData(65520f, 0x7C00)]                     // halfway between 65504 and 65536: ties to even, which is infinity
    [InlineData(65519f, 0x7BFF)]                     // just below halfway: stays at the largest finite value
    public void Float16_rounds_to_nearest_even(float value, int expectedBits) =>
        Assert.Equal((ushort)expectedBits, FloatConversion.ToFloat16Bits(value));

    [Theory]
    [InlineData(1.0f, 0x3F80)]
    [InlineData(-2.0f, 0xC000)]
    [InlineData(0f, 0x0000)]
    [InlineData(float.NegativeInfinity, 0xFF80)]
    public void BFloat16_matches_known_bit_patterns(float value, int expectedBits)
    {
        Assert.Equal((ushort)expectedBits, FloatConversion.ToBFloat16Bits(value));
        Assert.Equal(value, FloatConversion.FromBFloat16Bits((ushort)expectedBits));
    }

    [Theory]
    [InlineData(0x3F808000u, 0x3F80)] // halfway, lower neighbour even: rounds down
    [InlineData(0x3F818000u, 0x3F82)] // halfway, lower neighbour odd: rounds up to even
    [InlineData(0x3F808001u, 0x3F81)] // above halfway: rounds up
    [InlineData(0x3F807FFFu, 0x3F80)] // below halfway: rounds down
    [InlineData(0x7F7FFFFFu, 0x7F80)] // float.MaxValue overflows to infinity
    public void BFloat16_rounds_to_nearest_even(uint floatBits, int expectedBits) =>
        Assert.Equal((ushort)expectedBits, FloatConversion.ToBFloat16Bits(BitConverter.UInt32BitsToSingle(floatBits)));

    [Fact]
    public void BFloat16_keeps_NaN_a_NaN_even_when_only_low_mantissa_bits_are_set()
    {
        var nan = BitConverter.UInt32BitsToSingle(0x7F800001);
        var bits = FloatConversion.ToBFloat16Bits(nan);
        Assert.True(float.IsNaN(FloatConversion.FromBFloat16Bits(bits)), $"0x{bits:X4} is not a NaN");
    }

    [Fact]
    public void Writer_stores_converted_values_little_endian()
    {
        var writer = new SafetensorsWriter();
        writer.AddFloat16("h", [3], [1.0f, -2.0f, 65504f]);
        writer.AddBFloat16("b", [2], [1.0f, -2.0f]);
        using var file = SafetensorsFile.Parse(writer.ToArray());

        Assert.Equal(SafetensorsDType.Float16, file.GetTensor("h").DType);
        Assert.Equal(new byte[] { 0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B }, file.GetSpan("h").ToArray());
        Assert.Equal(SafetensorsDType.BFloat16, file.GetTensor("b").DType);
        Assert.Equal(new byte[] { 0x80, 0x3F, 0x00, 0xC0 }, file.GetSpan("b").ToArray());
    }
}
