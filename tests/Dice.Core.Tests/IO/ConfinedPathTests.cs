using Dice.Core.IO;

namespace Dice.Core.Tests.IO;

/// <summary>Paths named by a file resolve inside its folder or are refused, links followed as the kernel follows them.</summary>
public sealed class ConfinedPathTests : IDisposable
{
    private readonly TempDirectory directory = new();

    private string Folder => Directory.CreateDirectory(directory.File("model")).FullName;

    private string Outside => Directory.CreateDirectory(directory.File("outside")).FullName;

    [Theory]
    [InlineData("weights.bin", "weights.bin")]
    [InlineData("data/weights.bin", "data/weights.bin")]
    [InlineData("./data//weights.bin", "data/weights.bin")]
    public void A_relative_path_inside_the_folder_resolves_to_it(string path, string expected)
    {
        Assert.Equal(Path.Combine(Folder, expected), ConfinedPath.Resolve(Folder, path, "model.onnx", "location"));
    }

    [Theory]
    [InlineData("/etc/passwd", "is an absolute path")]
    [InlineData("../outside/x", "steps up with '..'")]
    [InlineData("data/../../outside/x", "steps up with '..'")]
    // '..' that would stay inside when read as text is refused too: after a link it means the link target's parent.
    [InlineData("data/../x", "steps up with '..'")]
    [InlineData("", "names no file")]
    [InlineData(".", "names the folder itself")]
    public void A_path_that_leaves_the_folder_by_its_text_is_refused_naming_file_path_and_folder(string path, string how)
    {
        var e = Assert.Throws<PathEscapeException>(() => ConfinedPath.Resolve(Folder, path, "/m/model.onnx", "external data location"));
        Assert.Contains(how, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"/m/model.onnx: external data location '{path}' ", e.Message, StringComparison.Ordinal);
        Assert.Contains(Folder, e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(e);
    }

    [Fact]
    public void A_link_to_a_file_outside_is_refused()
    {
        var secret = Path.Combine(Outside, "secret");
        File.WriteAllText(secret, "x");
        File.CreateSymbolicLink(Path.Combine(Folder, "weights.bin"), secret);
        var e = Assert.Throws<PathEscapeException>(() => ConfinedPath.Resolve(Folder, "weights.bin", "f", "location"));
        Assert.Contains($"symbolic link to {secret}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_linked_folder_on_the_way_out_is_refused_even_for_a_file_that_does_not_exist()
    {
        Directory.CreateSymbolicLink(Path.Combine(Folder, "data"), Outside);
        Assert.Throws<PathEscapeException>(() => ConfinedPath.Resolve(Folder, "data/none.bin", "f", "location"));
    }

    [Fact]
    public void A_relative_link_whose_target_climbs_out_is_refused_and_one_that_stays_in_is_followed()
    {
        Directory.CreateDirectory(Path.Combine(Folder, "sub"));
        File.WriteAllText(Path.Combine(Folder, "real.bin"), "x");
        File.CreateSymbolicLink(Path.Combine(Folder, "sub", "in.bin"), "../real.bin");
        File.CreateSymbolicLink(Path.Combine(Folder, "sub", "out.bin"), "../../outside/secret");
        Assert.Equal(Path.Combine(Folder, "sub", "in.bin"), ConfinedPath.Resolve(Folder, "sub/in.bin", "f", "location"));
        Assert.Throws<PathEscapeException>(() => ConfinedPath.Resolve(Folder, "sub/out.bin", "f", "location"));
    }

    [Fact]
    public void A_folder_reached_through_a_link_of_its_own_still_confines()
    {
        var real = Directory.CreateDirectory(directory.File("real-model")).FullName;
        var linked = directory.File("linked-model");
        Directory.CreateSymbolicLink(linked, real);
        File.WriteAllText(Path.Combine(real, "w.bin"), "x");
        Assert.Equal(Path.Combine(linked, "w.bin"), ConfinedPath.Resolve(linked, "w.bin", "f", "location"));
    }

    [Fact]
    public void A_link_loop_is_an_error_not_a_hang()
    {
        File.CreateSymbolicLink(Path.Combine(Folder, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(Folder, "b"), "a");
        Assert.ThrowsAny<IOException>(() => ConfinedPath.Resolve(Folder, "a", "f", "location"));
    }

    public void Dispose() => directory.Dispose();
}
