using System.Globalization;

namespace Dice.GpuKit.Tests;

/// <summary>
/// pack.sh --from-stage seals a kit folder (CONTENTS, gzipped tarball, parts, MANIFEST); run.sh unpacks it on the
/// other side. The publishing half of pack.sh is not run here (it takes minutes); everything after it is.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class PackAndUnpackTests
{
    private const int ChunkBytes = 65_536;

    private static (string Stage, string Out) Pack(TempDirectory dir)
    {
        var stage = dir.File("stage");
        FakeStage.Create(stage);
        var r = KitScripts.Run("pack.sh", ["--from-stage", stage, "--out", dir.File("out"), "--chunk-bytes", ChunkBytes.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return (stage, dir.File("out"));
    }

    private static string Carry(string output) => Path.Combine(output, "carry");

    [Fact]
    public void Packing_writes_parts_no_larger_than_the_chunk_size_a_manifest_and_the_scripts_to_carry()
    {
        using var dir = new TempDirectory();
        var (_, output) = Pack(dir);

        var manifest = Manifest.Read(Path.Combine(Carry(output), "MANIFEST"));
        var kit = Assert.Single(manifest.Files);
        Assert.Equal("dice-gpu-kit.tar.gz", kit.Name);
        Assert.True(kit.PartCount >= 5, $"300 KB of random bytes should need at least 5 parts of 64 KiB, not {kit.PartCount}");
        Assert.True(kit.Size < 450_000, $"the two publishes' identical 300 KB providers should be stored once, but the tarball is {kit.Size} bytes");
        Assert.Equal(kit.PartCount, manifest.Parts.Count);
        Assert.All(manifest.Parts, p => Assert.InRange(p.Size, 1, ChunkBytes));
        Assert.Equal(kit.Size, manifest.Parts.Sum(p => p.Size));
        var expected = manifest.Parts.Select(p => p.Name).Concat(["MANIFEST", "chunks.sh", "run.sh"]).Order(StringComparer.Ordinal);
        Assert.Equal(expected, Directory.GetFiles(Carry(output)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(output, "dice-gpu-kit.tar.gz")), "the whole tarball should not stay beside its parts");
    }

    [Fact]
    public void Contents_lists_every_file_of_the_kit_with_its_sha256_and_size()
    {
        using var dir = new TempDirectory();
        var (stage, output) = Pack(dir);

        var lines = File.ReadAllLines(Path.Combine(output, "CONTENTS"));

        Assert.Equal(FakeStage.Files(stage), lines.Select(l => l.Split(' ')[2]));
        foreach (var fields in lines.Select(l => l.Split(' ')))
        {
            var path = Path.Combine(stage, fields[2]);
            Assert.Equal(KitScripts.Sha256(path), fields[0]);
            Assert.Equal(new FileInfo(path).Length.ToString(CultureInfo.InvariantCulture), fields[1]);
        }
    }

    [Fact]
    public void Unpacking_restores_every_file_byte_for_byte()
    {
        using var dir = new TempDirectory();
        var (stage, output) = Pack(dir);

        var r = KitScripts.Run("run.sh", ["--carry", Carry(output), "unpack"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        var kit = Path.Combine(output, "kit");
        Assert.Equal(FakeStage.Files(stage), FakeStage.Files(kit));
        foreach (var file in FakeStage.Files(stage))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(stage, file)), File.ReadAllBytes(Path.Combine(kit, file)));
        }
        Assert.Contains("all match CONTENTS", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_copy_of_run_sh_in_the_carry_folder_finds_its_kit_without_options()
    {
        using var dir = new TempDirectory();
        var (_, output) = Pack(dir);

        var r = KitScripts.Run(Path.Combine(Carry(output), "run.sh"), ["unpack"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(Path.Combine(output, "kit", "dice", FakeStage.Provider)));
    }

    [Fact]
    public void A_second_unpack_of_the_same_kit_does_nothing()
    {
        using var dir = new TempDirectory();
        var (_, output) = Pack(dir);

        var first = KitScripts.Run("run.sh", ["--carry", Carry(output), "unpack"]);
        var second = KitScripts.Run("run.sh", ["--carry", Carry(output), "unpack"]);

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Contains("kit already unpacked", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupted_part_is_refused_by_name_and_nothing_is_unpacked()
    {
        using var dir = new TempDirectory();
        var (_, output) = Pack(dir);
        KitScripts.CorruptByte(Path.Combine(Carry(output), "dice-gpu-kit.tar.gz.part-002"), 1234);

        var check = KitScripts.Run("run.sh", ["--carry", Carry(output), "check"]);
        var unpack = KitScripts.Run("run.sh", ["--carry", Carry(output), "unpack"]);

        Assert.Equal(4, check.ExitCode);
        Assert.Contains("gpu-kit: error: the kit in", check.Stderr, StringComparison.Ordinal);
        Assert.Contains("corrupt: dice-gpu-kit.tar.gz.part-002", check.Stderr, StringComparison.Ordinal);
        Assert.Equal(4, unpack.ExitCode);
        Assert.Contains("corrupt: dice-gpu-kit.tar.gz.part-002", unpack.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(output, "kit")), "a corrupt kit was unpacked");
        Assert.False(Directory.Exists(Path.Combine(output, "kit.unpacking")), "the half-done unpack was left behind");
    }

    [Fact]
    public void While_parts_are_still_being_carried_check_partial_passes_and_names_what_is_missing()
    {
        using var dir = new TempDirectory();
        var (_, output) = Pack(dir);
        File.Delete(Path.Combine(Carry(output), "dice-gpu-kit.tar.gz.part-001"));
        File.Delete(Path.Combine(Carry(output), "dice-gpu-kit.tar.gz.part-003"));

        var partial = KitScripts.Run("run.sh", ["--carry", Carry(output), "check", "--partial"]);
        var full = KitScripts.Run("run.sh", ["--carry", Carry(output), "check"]);

        Assert.True(partial.ExitCode == 0, partial.ToString());
        Assert.Contains("missing: dice-gpu-kit.tar.gz.part-001", partial.Stdout, StringComparison.Ordinal);
        Assert.Contains("missing: dice-gpu-kit.tar.gz.part-003", partial.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 still missing", partial.Stdout, StringComparison.Ordinal);
        Assert.Equal(4, full.ExitCode);
        Assert.Contains("missing: dice-gpu-kit.tar.gz.part-001", full.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_manifest_run_sh_says_where_it_looked()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("carry"));

        var r = KitScripts.Run("run.sh", ["--carry", dir.File("carry"), "unpack"]);

        Assert.Equal(4, r.ExitCode);
        Assert.Contains($"gpu-kit: error: no kit manifest at {dir.File("carry")}/MANIFEST", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("gpu-kit/pack.sh", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void On_a_CUDA_host_run_sh_wires_the_kit_and_hands_over_to_the_command()
    {
        using var dir = new TempDirectory();
        var (_, output) = Pack(dir);
        var python = StubPython.WriteCudaHost(dir.File("host"));
        var environment = new Dictionary<string, string?> { ["DICE_GPU_PYTHON"] = python, ["LD_LIBRARY_PATH"] = null };

        var dice = KitScripts.Run("run.sh", ["--carry", Carry(output), "--", "dice", "info", "--json"], environment);
        var benchmarks = KitScripts.Run("run.sh", ["--carry", Carry(output), "Dice.Benchmarks", "--inProcess"], environment);

        var kit = Path.Combine(output, "kit");
        var nvidia = Path.Combine(dir.File("host"), "site-packages", "nvidia");
        Assert.Equal(7, dice.ExitCode);
        Assert.Contains("gpu-kit: host: PyTorch 2.11.0+cu130 (CUDA 13.0)", dice.Stdout, StringComparison.Ordinal);
        Assert.Contains($"started: {kit}/dice/dice info --json", dice.Stdout, StringComparison.Ordinal);
        Assert.Contains(
            $"LD_LIBRARY_PATH={nvidia}/cu13/lib:{nvidia}/cudnn/lib\n",
            dice.Stdout, StringComparison.Ordinal);
        Assert.Contains($"DICE_GPU_KIT={kit}\n", dice.Stdout, StringComparison.Ordinal);
        Assert.Contains("provider beside me", dice.Stdout, StringComparison.Ordinal);
        Assert.Equal(7, benchmarks.ExitCode);
        Assert.Contains($"started: {kit}/{FakeStage.BenchmarksFolder}/Dice.Benchmarks --inProcess", benchmarks.Stdout, StringComparison.Ordinal);
        Assert.Contains("provider beside me", benchmarks.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_library_path_keeps_what_was_set_after_PyTorchs_CUDA_folders()
    {
        using var dir = new TempDirectory();
        var (_, output) = Pack(dir);
        var python = StubPython.WriteCudaHost(dir.File("host"));

        var r = KitScripts.Run(
            "run.sh",
            ["--carry", Carry(output), "dice", "info"],
            new Dictionary<string, string?> { ["DICE_GPU_PYTHON"] = python, ["LD_LIBRARY_PATH"] = "/opt/elsewhere/lib" });

        var nvidia = Path.Combine(dir.File("host"), "site-packages", "nvidia");
        Assert.True(r.ExitCode == 7, r.ToString());
        Assert.Contains($"LD_LIBRARY_PATH={nvidia}/cu13/lib:{nvidia}/cudnn/lib:/opt/elsewhere/lib\n", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Identical_files_of_the_two_publishes_are_one_file_in_the_stage_and_in_the_unpacked_kit()
    {
        using var dir = new TempDirectory();
        var (stage, output) = Pack(dir);
        var unpack = KitScripts.Run("run.sh", ["--carry", Carry(output), "unpack"]);
        Assert.True(unpack.ExitCode == 0, unpack.ToString());

        foreach (var root in new[] { stage, Path.Combine(output, "kit") })
        {
            foreach (var name in new[] { FakeStage.Provider, "libonnxruntime.so" })
            {
                Assert.Equal(
                    KitScripts.Inode(Path.Combine(root, "dice", name)),
                    KitScripts.Inode(Path.Combine(root, FakeStage.BenchmarksFolder, name)));
            }
            // Different contents stay apart.
            Assert.NotEqual(KitScripts.Inode(Path.Combine(root, "dice", "dice")), KitScripts.Inode(Path.Combine(root, "dice", "libcoreclr.so")));
        }
    }

    [Fact]
    public void The_printed_plan_carries_one_part_a_call_and_runs_dice_info_with_the_last()
    {
        using var dir = new TempDirectory();
        var stage = dir.File("stage");
        FakeStage.Create(stage);

        var r = KitScripts.Run("pack.sh", ["--from-stage", stage, "--out", dir.File("out"), "--chunk-bytes", ChunkBytes.ToString(CultureInfo.InvariantCulture)]);

        Assert.True(r.ExitCode == 0, r.ToString());
        var carry = Carry(dir.File("out"));
        var parts = Manifest.Read(Path.Combine(carry, "MANIFEST")).Parts;
        var calls = r.Stdout.Split('\n').Where(l => l.StartsWith("  call ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(parts.Count, calls.Length);
        for (int i = 0; i < parts.Count; i++)
        {
            var command = i < parts.Count - 1 ? "check --partial" : "-- dice info";
            Assert.Equal(
                $"  call {i + 1}: carry [\"{carry}/MANIFEST\", \"{carry}/{parts[i].Name}\"]   command: gpu-kit/run.sh --carry {carry} {command}",
                calls[i]);
        }
    }

    [Fact]
    public void By_default_a_part_and_the_working_tree_fit_in_one_device_call()
    {
        using var dir = new TempDirectory();
        var stage = dir.File("stage");
        FakeStage.Create(stage);

        var r = KitScripts.Run("pack.sh", ["--from-stage", stage, "--out", dir.File("out")]);

        Assert.True(r.ExitCode == 0, r.ToString());
        const long MiB = 1024 * 1024;
        long tree = KitScripts.WorkingTreeBytes();
        long expected = Math.Min(40 * MiB, (64 * MiB - MiB - tree) / MiB * MiB);
        var chunkLine = File.ReadAllLines(Path.Combine(Carry(dir.File("out")), "MANIFEST")).Single(l => l.StartsWith("# chunk-bytes ", StringComparison.Ordinal));
        Assert.Equal($"# chunk-bytes {expected}", chunkLine);
        Assert.True(tree + expected <= 63 * MiB, $"a {tree}-byte tree and {expected}-byte parts leave less than 1 MiB under 64 MiB");
        Assert.Contains($"the working tree {tree / (double)MiB:F1} MiB + MANIFEST + one part", r.Stdout, StringComparison.Ordinal);
    }
}
