using Dice.Core.Images;

namespace Dice.Core.Tests.Images;

public sealed class PngFileTests
{
    [Fact]
    public void Writes_a_file_that_reads_back_with_its_text()
    {
        using var temp = new TempDirectory();
        string path = temp.File("out.png");
        RgbImage image = PngTestFiles.RandomImage(7, 3, seed: 31);

        PngFile.Write(path, image, [new("Software", "Dice"), new("Parameters", "CFG 7.5")]);

        Assert.Equal(["out.png"], temp.FileNames());
        Assert.Equal(PngEncoder.Encode(image, [new("Software", "Dice"), new("Parameters", "CFG 7.5")]), File.ReadAllBytes(path));
        DecodedPng read = PngFile.Read(path);
        Assert.True(read.ToRgbImage().PixelsEqual(image));
        Assert.Equal("CFG 7.5", read.GetText("Parameters"));
    }

    [Fact]
    public void Replaces_an_existing_file()
    {
        using var temp = new TempDirectory();
        string path = temp.File("out.png");
        File.WriteAllText(path, "old contents");
        RgbImage image = PngTestFiles.RandomImage(2, 2, seed: 32);

        PngFile.Write(path, image);

        Assert.Equal(["out.png"], temp.FileNames());
        Assert.True(PngFile.Read(path).ToRgbImage().PixelsEqual(image));
    }

    [Fact]
    public void Leaves_an_existing_file_intact_and_no_temporary_file_when_encoding_fails()
    {
        using var temp = new TempDirectory();
        string path = temp.File("out.png");
        File.WriteAllText(path, "keep me");

        // An invalid image: 2×2 RGBA needs 16 bytes.
        Assert.Throws<ArgumentException>(() => PngFile.WriteRgba(path, 2, 2, new byte[15]));
        // Text that fails while the temporary file is open.
        Assert.Throws<InvalidOperationException>(() => PngFile.Write(path, new RgbImage(2, 2), FailingText()));

        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.Equal(["out.png"], temp.FileNames());
    }

    [Fact]
    public void Leaves_no_temporary_file_when_the_final_move_fails()
    {
        using var temp = new TempDirectory();
        string path = temp.File("taken");
        Directory.CreateDirectory(path); // a directory cannot be overwritten by a file

        Exception error = Assert.ThrowsAny<Exception>(() => PngFile.Write(path, new RgbImage(1, 1)));

        Assert.True(error is IOException or UnauthorizedAccessException, error.ToString());
        Assert.Equal(["taken"], temp.FileNames());
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public void Does_not_create_missing_directories()
    {
        using var temp = new TempDirectory();
        Assert.Throws<DirectoryNotFoundException>(() => PngFile.Write(Path.Combine(temp.Path, "missing", "out.png"), new RgbImage(1, 1)));
        Assert.Empty(temp.FileNames());
    }

    [Fact]
    public void Writes_rgba()
    {
        using var temp = new TempDirectory();
        string path = temp.File("alpha.png");
        byte[] rgba = PngTestFiles.RandomBytes(3 * 2 * 4, seed: 33);

        PngFile.WriteRgba(path, 3, 2, rgba, options: new PngEncoderOptions { Filter = PngFilterType.None });

        // Unfiltered rows: each is a zero filter byte, then the pixels as given.
        byte[] idat = PngTestFiles.Inflate(PngTestFiles.Parse(File.ReadAllBytes(path)).Single(c => c.Type == "IDAT").Data);
        Assert.Equal([0, .. rgba[..12], 0, .. rgba[12..]], idat);
        // The reader drops alpha.
        Assert.Equal(rgba.Where((_, i) => i % 4 != 3).ToArray(), PngFile.Read(path).ToRgbImage().Pixels.ToArray());
    }

    [Fact]
    public void Read_refuses_a_file_that_is_not_a_png_and_names_it()
    {
        using var temp = new TempDirectory();
        string path = temp.File("photo.png");
        File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0xE0]);

        var error = Assert.Throws<ImageFormatException>(() => PngFile.Read(path));
        Assert.Equal($"{path}: not a PNG file (it does not start with the PNG signature)", error.Message);
    }

    private static IEnumerable<PngTextChunk> FailingText()
    {
        yield return new PngTextChunk("Software", "Dice");
        throw new InvalidOperationException("settings could not be serialised");
    }
}
