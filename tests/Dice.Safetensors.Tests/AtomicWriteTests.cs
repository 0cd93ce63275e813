namespace Dice.Safetensors.Tests;

public class AtomicWriteTests
{
    private static byte[] WriteOriginal(string path)
    {
        var original = new SafetensorsWriter();
        original.AddFloat32("original", [2], [1, 2]);
        original.Write(path);
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void A_source_that_throws_midway_leaves_the_previous_file_and_no_temp_files()
    {
        using var directory = new TempDirectory();
        var path = directory.File("model.safetensors");
        var before = WriteOriginal(path);

        var writer = new SafetensorsWriter();
        writer.Add("a", SafetensorsDType.UInt8, [1 << 16], new byte[1 << 16]);
        writer.Add("b", SafetensorsDType.UInt8, [4], () => throw new IOException("disk on fire"));

        var ex = Assert.Throws<IOException>(() => writer.Write(path));

        Assert.Equal("disk on fire", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], directory.FileNames());
    }

    [Fact]
    public void A_source_of_the_wrong_length_leaves_the_previous_file_and_no_temp_files()
    {
        using var directory = new TempDirectory();
        var path = directory.File("model.safetensors");
        var before = WriteOriginal(path);

        var writer = new SafetensorsWriter();
        writer.Add("a", SafetensorsDType.Float32, [4], () => new byte[15]);

        Assert.Throws<InvalidOperationException>(() => writer.Write(path));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], directory.FileNames());
    }

    [Fact]
    public void A_failing_final_move_cleans_up_the_temp_file()
    {
        using var directory = new TempDirectory();
        // A non-empty directory where the file should go makes the final move fail after all data is written.
        var target = directory.File("model.safetensors");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "keep");

        var writer = new SafetensorsWriter();
        writer.AddFloat32("w", [1], [1]);

        Assert.ThrowsAny<IOException>(() => writer.Write(target));

        Assert.True(Directory.Exists(target));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(target, "keep.txt")));
        Assert.Equal(["model.safetensors"], directory.FileNames());
    }

    [Fact]
    public void A_successful_write_replaces_the_previous_file_and_leaves_no_temp_files()
    {
        using var directory = new TempDirectory();
        var path = directory.File("model.safetensors");
        var before = WriteOriginal(path);

        var writer = new SafetensorsWriter();
        writer.AddFloat32("replacement", [3], [4, 5, 6]);
        writer.Write(path);

        Assert.NotEqual(before, File.ReadAllBytes(path));
        Assert.Equal(writer.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], directory.FileNames());
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([4f, 5f, 6f], file.ReadFloat32("replacement"));
    }
}
