using System.Security.Cryptography;

namespace Dice.Build.Tests;

/// <summary>
/// TorchSharp 0.107's libLibTorchSharp.so from the NuGet cache (read, or patched as a temporary copy). Expected values
/// are `readelf -V` / `readelf -d --use-dynamic` facts about that file: .gnu.version_r at 0x3f8f0, the GLIBCXX_3.4.32
/// entry at +0x140 with version index 18, used by one dynamic symbol.
/// </summary>
public sealed class PackagedLibTorchSharpTests
{
    private const long Glibcxx32FlagsOffset = 0x3f8f0 + 0x140 + 4;

    [Fact]
    public void The_packaged_library_needs_glibcxx_3_4_32_for_one_symbol_no_relocation_uses()
    {
        var elf = ElfVersionNeeds.Parse(File.ReadAllBytes(BuildFacts.CachedLibTorchSharp));

        var need = elf.VersionNeeds().Single(n => n.Version == BuildFacts.WeakVersion);

        Assert.Equal((BuildFacts.LibStdCxx, (ushort)0, (ushort)18, Glibcxx32FlagsOffset), (need.File, need.Flags, need.Index, need.FlagsOffset));
        Assert.Equal(["_ZSt21ios_base_library_initv"], elf.SymbolsBoundTo(need.Index));
        Assert.Empty(elf.RelocatedSymbolsBoundTo(need.Index));
        // The newest version it needs besides: 3.4.30 (index 29), which relocations do use, and which Debian 12 has.
        var glibcxx30 = elf.VersionNeeds().Single(n => n.Version == "GLIBCXX_3.4.30");
        Assert.Equal(29, glibcxx30.Index);
        Assert.NotEmpty(elf.RelocatedSymbolsBoundTo(glibcxx30.Index));
        Assert.Equal(20, elf.VersionNeeds().Count(n => n.File == BuildFacts.LibStdCxx));
    }

    [Fact]
    public void Patching_a_copy_changes_one_byte_and_leaves_the_cache_alone()
    {
        using var dir = new TempDirectory();
        var cacheHash = SHA256.HashData(File.ReadAllBytes(BuildFacts.CachedLibTorchSharp));
        var copy = dir.File("libLibTorchSharp.so");
        File.Copy(BuildFacts.CachedLibTorchSharp, copy);
        var original = File.ReadAllBytes(copy);
        var need = ElfVersionNeeds.Parse(original).VersionNeeds().Single(n => n.Version == BuildFacts.WeakVersion);

        MarkVersionNeedWeak.WriteWeak(copy, need);

        var patched = File.ReadAllBytes(copy);
        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).Select(i => (long)i).ToList();
        Assert.Equal([Glibcxx32FlagsOffset], changed);
        Assert.Equal((0x00, 0x02), (original[Glibcxx32FlagsOffset], patched[Glibcxx32FlagsOffset]));
        Assert.Equal(cacheHash, SHA256.HashData(File.ReadAllBytes(BuildFacts.CachedLibTorchSharp)));
    }

    [Fact]
    public void The_build_marked_this_projects_copy_and_not_the_one_in_the_cache()
    {
        var output = ElfVersionNeeds.Parse(File.ReadAllBytes(BuildFacts.OutputLibTorchSharp)).VersionNeeds().Single(n => n.Version == BuildFacts.WeakVersion);
        var cached = ElfVersionNeeds.Parse(File.ReadAllBytes(BuildFacts.CachedLibTorchSharp)).VersionNeeds().Single(n => n.Version == BuildFacts.WeakVersion);

        Assert.Equal(BuildFacts.SystemLacksWeakVersion, output.IsWeak);
        Assert.Equal(0, cached.Flags);
    }
}
