using Dice.Core.IO;
using Dice.Tests.Shared.Fuzzing;

namespace Dice.Core.Tests.IO;

/// <summary>
/// Seeded fuzzing of the .npy reader (init latents given to --from): every mutated file reads as an array whose shape
/// matches its data, or is refused with an <see cref="InvalidDataException"/>, the one type NpyFile documents.
/// </summary>
public class NpyFileFuzzTests
{
    public const int Iterations = 4000;

    [Theory]
    [InlineData("<f4", 4)]
    [InlineData("<f2", 2)]
    public void Mutated_npy_files_read_or_are_refused_with_invalid_data(string descr, int width)
    {
        var sample = NpyBytes.Create(descr, "(1, 4, 2, 2)", new byte[16 * width]);
        var outcome = FuzzLoop.Run($"NpyFile.Decode ({descr})", Iterations, (seed, i) => ByteMutator.Mutate(sample, seed, i), bytes =>
        {
            var array = NpyFile.Decode(bytes, "fuzz.npy");
            Assert.Equal(array.Shape.Aggregate(1L, (a, d) => a * d), array.Data.LongLength);
        }, typeof(InvalidDataException));

        Assert.Equal([1, 4, 2, 2], NpyFile.Decode(sample, "sample.npy").Shape);
        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    [Fact]
    public void Npy_files_with_mutated_shapes_read_or_are_refused_with_invalid_data()
    {
        // Text mutations of the shape literal reach the numbers the byte mutations rarely make: huge, negative, fractional.
        const string shape = "(1, 4, 2, 2)";
        var data = new byte[64];
        var outcome = FuzzLoop.Run("NpyFile.Decode (shape)", Iterations,
            (seed, i) => NpyBytes.Create("<f4", System.Text.Encoding.UTF8.GetString(TextMutator.Mutate(shape, seed, i)), data),
            bytes => NpyFile.Decode(bytes, "fuzz.npy"), typeof(InvalidDataException));

        Assert.True(outcome.Refused > 0 && outcome.Parsed > 0, $"{outcome}: the mutations should reach both outcomes");
    }

    [Theory]
    // Found by the fuzzer: these threw FormatException, OverflowException or made a negative array size.
    [InlineData("(1, 4, 2, true)")]
    [InlineData("(1, 4, 2\u0001 2)")]
    [InlineData("(2147483648,)")]
    [InlineData("(-1, 4)")]
    [InlineData("(2147483647, 2147483647, 4)")]
    public void A_shape_that_is_not_a_tuple_of_addressable_sizes_is_refused_with_invalid_data(string shape)
    {
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Decode(NpyBytes.Create("<f4", shape, new byte[64]), "bad.npy"));

        Assert.Contains("bad.npy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_2_header_length_beyond_the_file_is_refused_with_invalid_data()
    {
        // Found by the fuzzer: a uint32 header length of 0xFFFFFFFF overflowed the checked cast to int.
        byte[] bytes = [0x93, .. "NUMPY"u8, 2, 0, 0xFF, 0xFF, 0xFF, 0xFF, .. "{}"u8];

        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Decode(bytes, "bad.npy"));

        Assert.Contains("header runs past the end of the file", e.Message, StringComparison.Ordinal);
    }
}
