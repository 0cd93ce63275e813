using System.Text;
using Dice.Core.IO;

namespace Dice.Core.Tests.IO;

/// <summary>Atomic writes, files written as one unit, and the leftovers of killed writers.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory directory = new();

    [Fact]
    public void Temporary_names_sit_beside_the_target_and_are_recognisable()
    {
        var temp = AtomicFile.TempPath(directory.File("out.png"));
        Assert.Equal(directory.Path, Path.GetDirectoryName(temp));
        Assert.Matches(@"^\.out\.png\.[0-9a-f]{32}\.dice-tmp$", Path.GetFileName(temp));
        Assert.NotEqual(temp, AtomicFile.TempPath(directory.File("out.png")));
        Assert.Matches(@"^\.run\.[0-9a-f]{32}\.dice-tmp$", Path.GetFileName(AtomicFile.TempPath(directory.File("run") + "/")));
    }

    [Fact]
    public void Write_leaves_only_the_target()
    {
        AtomicFile.WriteAllText(directory.File("a.json"), "{}");
        Assert.Equal(["a.json"], directory.FileNames());
        Assert.Equal("{}", File.ReadAllText(directory.File("a.json")));
    }

    [Fact]
    public void Delete_leftovers_removes_only_this_outputs_temporary_files_and_folders()
    {
        var output = directory.File("out.png");
        var id = new string('a', 32);
        File.WriteAllText(directory.File($".out.png.{id}.dice-tmp"), "partial");
        Directory.CreateDirectory(Path.Combine(directory.File($".out.png.{new string('b', 32)}.dice-tmp"), "sub"));
        // Not ours: another output's, a user's file, a wrong id.
        File.WriteAllText(directory.File($".other.png.{id}.dice-tmp"), "x");
        File.WriteAllText(directory.File(".out.png.notes.dice-tmp"), "x");
        File.WriteAllText(directory.File($".out.png.x.{id}.dice-tmp"), "x");
        File.WriteAllText(directory.File("out.png"), "x");

        Assert.Equal(2, AtomicFile.DeleteLeftovers(output));
        Assert.Equal([$".other.png.{id}.dice-tmp", ".out.png.notes.dice-tmp", $".out.png.x.{id}.dice-tmp", "out.png"], directory.FileNames());
        Assert.Equal(0, AtomicFile.DeleteLeftovers(directory.File(Path.Combine("missing", "out.png"))));
    }

    [Fact]
    public void Delete_leftovers_within_a_folder_removes_every_temporary_entry_at_any_depth()
    {
        var id = new string('c', 32);
        var nested = Directory.CreateDirectory(directory.File(Path.Combine("run", "unet"))).FullName;
        File.WriteAllText(Path.Combine(nested, $".model.safetensors.{id}.dice-tmp"), "partial");
        var staging = Directory.CreateDirectory(directory.File(Path.Combine("run", $".text_encoder_dice.{id}.dice-tmp"))).FullName;
        File.WriteAllText(Path.Combine(staging, $".inner.{id}.dice-tmp"), "x");
        File.WriteAllText(Path.Combine(nested, "model.safetensors"), "kept");
        File.WriteAllText(Path.Combine(nested, "notes.dice-tmp"), "kept: not a temporary name");

        Assert.Equal(2, AtomicFile.DeleteLeftoversWithin(directory.File("run")));
        Assert.Equal(["model.safetensors", "notes.dice-tmp"],
            Directory.GetFileSystemEntries(nested).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["unet"], Directory.GetFileSystemEntries(directory.File("run")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(".a.png.0123456789abcdef0123456789abcdef.dice-tmp", true)]
    [InlineData(".a.0123456789abcdef0123456789abcdef.dice-tmp", true)]
    [InlineData("a.png.0123456789abcdef0123456789abcdef.dice-tmp", false)]
    [InlineData(".a.png.0123456789ABCDEF0123456789abcdef.dice-tmp", false)]
    [InlineData(".a.png.0123456789abcdef0123456789abcde.dice-tmp", false)]
    [InlineData("..0123456789abcdef0123456789abcdef.dice-tmp", false)]
    [InlineData(".a.png.0123456789abcdef0123456789abcdef.tmp", false)]
    public void Temporary_names_are_told_from_others(string name, bool expected) => Assert.Equal(expected, AtomicFile.IsTempName(name));

    [Fact]
    public void Write_all_puts_every_file_in_place_in_order()
    {
        AtomicFile.WriteAll([(directory.File("a.json"), Encoding.UTF8.GetBytes("1")), (directory.File("a.png"), Encoding.UTF8.GetBytes("22"))]);
        Assert.Equal(["a.json", "a.png"], directory.FileNames());
        Assert.Equal("22", File.ReadAllText(directory.File("a.png")));
    }

    [Fact]
    public void Write_all_that_fails_leaves_no_temporary_file_and_no_target()
    {
        var missing = directory.File(Path.Combine("missing", "b.png"));
        Assert.Throws<DirectoryNotFoundException>(() =>
            AtomicFile.WriteAll([(directory.File("a.json"), Encoding.UTF8.GetBytes("1")), (missing, Encoding.UTF8.GetBytes("2"))]));
        Assert.Empty(directory.FileNames());
    }

    [Theory]
    [InlineData(null, null, 0)]
    [InlineData("", null, 0)]
    [InlineData("checkpoint.saved", "checkpoint.saved", 1)]
    [InlineData("loss-log.mid-line:3", "loss-log.mid-line", 3)]
    [InlineData("x:0", null, 0)]
    [InlineData("x:-1", null, 0)]
    [InlineData("x:two", null, 0)]
    public void Kill_points_parse_as_point_and_count(string? value, string? point, int count)
    {
        var parsed = FaultInjection.Parse(value);
        Assert.Equal(point, parsed?.Point);
        Assert.Equal(count, parsed?.Count ?? 0);
    }

    public void Dispose() => directory.Dispose();
}
