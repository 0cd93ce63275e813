using System.Text;
using Dice.Core.Images;

namespace Dice.Core.Tests.Images;

public sealed class PngCrc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("abc", 0x352441C2u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    [InlineData("IEND", 0xAE426082u)]
    public void Matches_known_check_values(string ascii, uint expected)
    {
        Assert.Equal(expected, PngCrc32.Compute(Encoding.ASCII.GetBytes(ascii)));
    }

    [Fact]
    public void Matches_the_crc_of_a_known_ihdr_chunk()
    {
        // The IHDR of a 1×1 8-bit RGB image, as every PNG writer produces it: its CRC is 0x907753DE.
        byte[] typeAndData = [(byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];
        Assert.Equal(0x907753DEu, PngCrc32.Compute(typeAndData));
    }

    [Fact]
    public void Appending_in_pieces_equals_computing_at_once()
    {
        byte[] data = PngTestFiles.RandomBytes(1000, seed: 7);
        uint whole = PngCrc32.Compute(data);
        foreach (int split in new[] { 0, 1, 499, 999, 1000 })
        {
            Assert.Equal(whole, PngCrc32.Append(PngCrc32.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }

    [Fact]
    public void All_zero_and_all_one_bytes_give_known_values()
    {
        Assert.Equal(0x2144DF1Cu, PngCrc32.Compute(new byte[4]));
        Assert.Equal(0xFFFFFFFFu, PngCrc32.Compute([0xFF, 0xFF, 0xFF, 0xFF]));
    }
}
