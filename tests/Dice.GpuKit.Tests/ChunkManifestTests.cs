using System.Globalization;

namespace Dice.GpuKit.Tests;

/// <summary>gpu-kit/chunks.sh: split into parts with a manifest, verify, join byte-exactly, and refuse damaged parts.</summary>
public sealed class ChunkManifestTests
{
    private const int ChunkBytes = 4096;

    /// <summary>Splits a random file of <paramref name="size"/> bytes into dir/parts; returns the manifest's path.</summary>
    private static string Split(TempDirectory dir, int size, out byte[] original, string name = "data.bin")
    {
        original = KitScripts.WriteRandomFile(dir.File(name), size, seed: size);
        var r = KitScripts.Run("chunks.sh", ["split", dir.File(name), dir.File("parts"), ChunkBytes.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var manifest = Path.Combine(dir.File("parts"), "MANIFEST");
        File.WriteAllText(manifest, Manifest.Header + "\n" + r.Stdout);
        return manifest;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ChunkBytes - 1)]
    [InlineData(ChunkBytes)]
    [InlineData(ChunkBytes + 1)]
    [InlineData(3 * ChunkBytes)]
    [InlineData(10_000)]
    public void Split_then_join_round_trips_byte_exactly(int size)
    {
        using var dir = new TempDirectory();
        var manifest = Split(dir, size, out var original);

        var joined = KitScripts.Run("chunks.sh", ["join", manifest, dir.File("joined")]);

        Assert.True(joined.ExitCode == 0, joined.ToString());
        Assert.Equal(original, File.ReadAllBytes(Path.Combine(dir.File("joined"), "data.bin")));
        int expectedParts = (size + ChunkBytes - 1) / ChunkBytes;
        Assert.Equal(expectedParts, Directory.GetFiles(dir.File("parts"), "data.bin.part-*").Length);
    }

    [Fact]
    public void The_manifest_records_the_size_and_sha256_of_the_file_and_of_every_part_in_order()
    {
        using var dir = new TempDirectory();
        var manifest = Manifest.Read(Split(dir, 10_000, out _));

        var file = Assert.Single(manifest.Files);
        Assert.Equal(("data.bin", 10_000L, KitScripts.Sha256(dir.File("data.bin")), 3), (file.Name, file.Size, file.Sha256, file.PartCount));
        Assert.Equal(["data.bin.part-000", "data.bin.part-001", "data.bin.part-002"], manifest.Parts.Select(p => p.Name));
        Assert.Equal([4096L, 4096L, 1808L], manifest.Parts.Select(p => p.Size));
        foreach (var part in manifest.Parts)
        {
            var path = Path.Combine(dir.File("parts"), part.Name);
            Assert.Equal(new FileInfo(path).Length, part.Size);
            Assert.Equal(KitScripts.Sha256(path), part.Sha256);
        }
    }

    [Fact]
    public void A_corrupted_part_is_named_and_nothing_is_joined()
    {
        using var dir = new TempDirectory();
        var manifest = Split(dir, 10_000, out _);
        KitScripts.CorruptByte(Path.Combine(dir.File("parts"), "data.bin.part-001"), 100);

        var verify = KitScripts.Run("chunks.sh", ["verify", manifest]);
        var join = KitScripts.Run("chunks.sh", ["join", manifest, dir.File("joined")]);

        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("corrupt: data.bin.part-001 has sha256", verify.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("part-000", verify.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, join.ExitCode);
        Assert.Contains("corrupt: data.bin.part-001", join.Stdout, StringComparison.Ordinal);
        Assert.Contains("not joining", join.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("joined")), "join wrote output from a corrupt part");
    }

    [Fact]
    public void A_truncated_part_is_named_by_its_size()
    {
        using var dir = new TempDirectory();
        var manifest = Split(dir, 10_000, out _);
        var part = Path.Combine(dir.File("parts"), "data.bin.part-000");
        File.WriteAllBytes(part, File.ReadAllBytes(part)[..4000]);

        var verify = KitScripts.Run("chunks.sh", ["verify", manifest]);

        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("corrupt: data.bin.part-000 is 4000 bytes, the manifest says 4096", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_parts_are_named_and_pass_only_with_allow_missing()
    {
        using var dir = new TempDirectory();
        var manifest = Split(dir, 10_000, out _);
        File.Delete(Path.Combine(dir.File("parts"), "data.bin.part-002"));

        var strict = KitScripts.Run("chunks.sh", ["verify", manifest]);
        var partial = KitScripts.Run("chunks.sh", ["verify", "--allow-missing", manifest]);
        var join = KitScripts.Run("chunks.sh", ["join", manifest, dir.File("joined")]);

        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("missing: data.bin.part-002 (1808 bytes)", strict.Stdout, StringComparison.Ordinal);
        Assert.True(partial.ExitCode == 0, partial.ToString());
        Assert.Contains("2 of 3 part(s) present and intact, 1 still missing", partial.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, join.ExitCode);
        Assert.False(Directory.Exists(dir.File("joined")));
    }

    [Fact]
    public void A_corrupt_part_fails_even_with_allow_missing()
    {
        using var dir = new TempDirectory();
        var manifest = Split(dir, 10_000, out _);
        KitScripts.CorruptByte(Path.Combine(dir.File("parts"), "data.bin.part-002"), 0);

        var partial = KitScripts.Run("chunks.sh", ["verify", "--allow-missing", manifest]);

        Assert.Equal(1, partial.ExitCode);
        Assert.Contains("corrupt: data.bin.part-002", partial.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Intact_parts_in_the_wrong_order_fail_the_whole_file_check()
    {
        using var dir = new TempDirectory();
        var manifest = Split(dir, 3 * ChunkBytes, out _);
        var lines = File.ReadAllLines(manifest);
        (lines[2], lines[3]) = (lines[3], lines[2]);
        File.WriteAllLines(manifest, lines);

        var verify = KitScripts.Run("chunks.sh", ["verify", manifest]);
        var join = KitScripts.Run("chunks.sh", ["join", manifest, dir.File("joined")]);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal(1, join.ExitCode);
        Assert.Contains("corrupt: data.bin rebuilt as size and sha256", join.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.File("joined"), "data.bin")));
    }

    [Fact]
    public void Several_files_share_one_manifest()
    {
        using var dir = new TempDirectory();
        var first = KitScripts.WriteRandomFile(dir.File("a.bin"), 5000, seed: 1);
        var second = KitScripts.WriteRandomFile(dir.File("b.bin"), 9000, seed: 2);
        var lines = new List<string> { Manifest.Header };
        foreach (var name in new[] { "a.bin", "b.bin" })
        {
            var r = KitScripts.Run("chunks.sh", ["split", dir.File(name), dir.File("parts"), ChunkBytes.ToString(CultureInfo.InvariantCulture)]);
            Assert.True(r.ExitCode == 0, r.ToString());
            lines.Add(r.Stdout.TrimEnd('\n'));
        }
        var manifest = Path.Combine(dir.File("parts"), "MANIFEST");
        File.WriteAllLines(manifest, lines);

        var join = KitScripts.Run("chunks.sh", ["join", manifest, dir.File("joined")]);

        Assert.True(join.ExitCode == 0, join.ToString());
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(dir.File("joined"), "a.bin")));
        Assert.Equal(second, File.ReadAllBytes(Path.Combine(dir.File("joined"), "b.bin")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("48MiB")]
    public void Split_refuses_a_chunk_size_that_is_not_a_positive_byte_count(string chunk)
    {
        using var dir = new TempDirectory();
        KitScripts.WriteRandomFile(dir.File("data.bin"), 100, seed: 0);

        var r = KitScripts.Run("chunks.sh", ["split", dir.File("data.bin"), dir.File("parts"), chunk]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("CHUNK_BYTES must be a positive whole number", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_manifest_is_refused_with_its_line_number()
    {
        using var dir = new TempDirectory();
        var manifest = Split(dir, 10_000, out _);
        var lines = File.ReadAllLines(manifest).ToList();
        lines.RemoveAt(lines.Count - 1);
        File.WriteAllLines(manifest, lines);
        var shortManifest = KitScripts.Run("chunks.sh", ["verify", manifest]);

        File.WriteAllLines(manifest, [Manifest.Header, "file data.bin ten bytes 1"]);
        var garbled = KitScripts.Run("chunks.sh", ["verify", manifest]);

        File.WriteAllLines(manifest, ["not a manifest"]);
        var foreign = KitScripts.Run("chunks.sh", ["verify", manifest]);

        Assert.Equal(2, shortManifest.ExitCode);
        Assert.Contains("ends 1 part record(s) short", shortManifest.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, garbled.ExitCode);
        Assert.Contains("line 2 is malformed", garbled.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, foreign.ExitCode);
        Assert.Contains("is not a gpu-kit manifest", foreign.Stderr, StringComparison.Ordinal);
    }
}
