using Dice.Core.IO;

namespace Dice.Core.Tests.IO;

/// <summary>The .npy reader on files written byte by byte from numpy's format description (tests/Shared/NpyBytes).</summary>
public sealed class NpyFileTests : IDisposable
{
    private readonly TempDirectory directory = new();

    [Fact]
    public void Reads_float32_in_c_order_with_its_shape()
    {
        var path = Write("a.npy", NpyBytes.Float32("(2, 3)", [1f, -2.5f, 3.25f, 0f, 1e-8f, -7f]));
        var array = NpyFile.Read(path);
        Assert.Equal([2, 3], array.Shape);
        Assert.Equal("float32", array.Dtype);
        Assert.Equal([1f, -2.5f, 3.25f, 0f, 1e-8f, -7f], array.Data);
    }

    [Fact]
    public void Reads_float16_widened_to_float32()
    {
        // IEEE 754 binary16: 0x3C00 = 1, 0xC000 = −2, 0x3555 = 0.333251953125, 0x7BFF = 65504 (the largest finite).
        byte[] data = [0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35, 0xFF, 0x7B];
        var array = NpyFile.Read(Write("h.npy", NpyBytes.Create("<f2", "(4,)", data)));
        Assert.Equal([4], array.Shape);
        Assert.Equal("float16", array.Dtype);
        Assert.Equal([1f, -2f, 0.333251953125f, 65504f], array.Data);
    }

    [Fact]
    public void Refuses_other_dtypes_fortran_order_short_data_and_non_npy_files()
    {
        var doubles = Write("d.npy", NpyBytes.Create("<f8", "(1,)", new byte[8]));
        Assert.Contains("'<f8'", Assert.Throws<InvalidDataException>(() => NpyFile.Read(doubles)).Message);
        var fortran = Write("f.npy", NpyBytes.Create("<f4", "(1,)", new byte[4], fortranOrder: true));
        Assert.Contains("Fortran order", Assert.Throws<InvalidDataException>(() => NpyFile.Read(fortran)).Message);
        var shortData = Write("s.npy", NpyBytes.Create("<f4", "(2, 2)", new byte[12]));
        var message = Assert.Throws<InvalidDataException>(() => NpyFile.Read(shortData)).Message;
        Assert.Contains("needs 16 bytes", message);
        Assert.StartsWith(shortData, message);
        var text = Write("t.npy", "not numpy"u8.ToArray());
        Assert.Contains("not a .npy file", Assert.Throws<InvalidDataException>(() => NpyFile.Read(text)).Message);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(directory.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => directory.Dispose();
}
