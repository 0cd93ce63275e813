using Dice.Core.IO;

namespace Dice.Core.Tests.IO;

/// <summary>The exclusive lock a run holds on its output (.NET's FileShare.None: flock on Linux).</summary>
public sealed class RunLockTests : IDisposable
{
    private readonly TempDirectory directory = new();

    [Fact]
    public void A_second_lock_on_the_same_output_is_refused_until_the_first_is_released()
    {
        var output = directory.File("out.png");
        using (var first = RunLock.Acquire(output))
        {
            Assert.Equal(directory.File(".out.png.dice-lock"), first.Path);
            Assert.True(File.Exists(first.Path));
            var refused = Assert.Throws<RunLockedException>(() => RunLock.Acquire(output));
            Assert.Contains("another dice run", refused.Message, StringComparison.Ordinal);
            Assert.Equal(output, refused.Output);

            // Another output in the same folder is not affected.
            using var other = RunLock.Acquire(directory.File("other.png"));
        }
        Assert.Empty(directory.FileNames());
        using var again = RunLock.Acquire(output);
        Assert.True(File.Exists(again.Path));
    }

    [Fact]
    public void A_folder_output_is_locked_beside_it_whatever_its_trailing_separator()
    {
        var folder = directory.File("run");
        using var held = RunLock.Acquire(folder + Path.DirectorySeparatorChar);
        Assert.Equal(directory.File(".run.dice-lock"), held.Path);
        Assert.Throws<RunLockedException>(() => RunLock.Acquire(folder));
    }

    [Fact]
    public void A_lock_file_left_by_a_dead_process_does_not_block()
    {
        // A process killed while holding the lock leaves the file but not the lock: the kernel drops it.
        File.WriteAllText(directory.File(".out.png.dice-lock"), "");
        using var held = RunLock.Acquire(directory.File("out.png"));
        Assert.True(File.Exists(held.Path));
    }

    [Fact]
    public void A_missing_folder_is_an_error_not_a_held_lock()
    {
        Assert.Throws<DirectoryNotFoundException>(() => RunLock.Acquire(directory.File(Path.Combine("missing", "out.png"))));
    }

    public void Dispose() => directory.Dispose();
}
