namespace Dice.Build.Tests;

/// <summary>The reader against <see cref="HandBuiltElf"/>, whose every offset is known from its layout.</summary>
public sealed class ElfVersionNeedsTests
{
    [Fact]
    public void Version_needs_are_read_with_their_file_flags_index_and_flags_offset()
    {
        var needs = ElfVersionNeeds.Parse(HandBuiltElf.Build().Bytes).VersionNeeds();

        Assert.Equal(
            [
                ("libc.so.6", "GLIBC_2.2.5", (ushort)0, (ushort)2, 0x114L),
                ("libstdc++.so.6", "GLIBCXX_3.4", (ushort)0, (ushort)3, (long)HandBuiltElf.Glibcxx34FlagsOffset),
                ("libstdc++.so.6", "GLIBCXX_3.4.32", (ushort)0, (ushort)4, (long)HandBuiltElf.Glibcxx32FlagsOffset),
            ],
            needs.Select(n => (n.File, n.Version, n.Flags, n.Index, n.FlagsOffset)));
        Assert.All(needs, n => Assert.False(n.IsWeak));
    }

    [Fact]
    public void A_weak_flag_is_reported_as_weak()
    {
        var need = ElfVersionNeeds.Parse(HandBuiltElf.Build(glibcxx32Flags: 2).Bytes).VersionNeeds().Single(n => n.Version == "GLIBCXX_3.4.32");

        Assert.True(need.IsWeak);
        Assert.Equal(2, need.Flags);
    }

    [Fact]
    public void Version_definitions_leave_out_the_base_entry_that_names_the_file()
    {
        var elf = ElfVersionNeeds.Parse(HandBuiltElf.Build(definitions: ["GLIBCXX_3.4", "GLIBCXX_3.4.30"]).Bytes);

        Assert.Equal(["GLIBCXX_3.4", "GLIBCXX_3.4.30"], elf.VersionDefinitions());
        Assert.Empty(ElfVersionNeeds.Parse(HandBuiltElf.Build().Bytes).VersionDefinitions());
    }

    [Fact]
    public void Symbols_are_matched_to_their_version_and_to_the_relocations_that_use_them()
    {
        var elf = ElfVersionNeeds.Parse(HandBuiltElf.Build().Bytes);

        Assert.Equal(["_ZSt21ios_base_library_initv"], elf.SymbolsBoundTo(4));
        Assert.Empty(elf.RelocatedSymbolsBoundTo(4));
        Assert.Equal(["_ZNSt8ios_base4InitC1Ev"], elf.RelocatedSymbolsBoundTo(3));
        Assert.Equal(["memcpy"], elf.RelocatedSymbolsBoundTo(2));
        Assert.Equal(["_ZSt21ios_base_library_initv"], ElfVersionNeeds.Parse(HandBuiltElf.Build(relocateIosInit: true).Bytes).RelocatedSymbolsBoundTo(4));
    }

    [Fact]
    public void Writing_a_need_weak_changes_exactly_the_two_bytes_of_its_flags()
    {
        using var dir = new TempDirectory();
        var original = HandBuiltElf.Build().Bytes;
        var path = dir.File("lib.so");
        File.WriteAllBytes(path, original);
        var need = ElfVersionNeeds.Parse(original).VersionNeeds().Single(n => n.Version == "GLIBCXX_3.4.32");

        MarkVersionNeedWeak.WriteWeak(path, need);

        var patched = File.ReadAllBytes(path);
        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Equal([HandBuiltElf.Glibcxx32FlagsOffset], changed);
        Assert.Equal(0x02, patched[HandBuiltElf.Glibcxx32FlagsOffset]);
        Assert.Equal(0x00, patched[HandBuiltElf.Glibcxx32FlagsOffset + 1]);
        Assert.Equal([false, false, true], ElfVersionNeeds.Parse(patched).VersionNeeds().Select(n => n.IsWeak));
        Assert.Equal(["lib.so"], dir.FileNames());
    }

    public static TheoryData<string, Func<byte[], byte[]>, string> Malformed => new()
    {
        { "text", _ => "not an ELF file at all, just some text"u8.ToArray(), "no \\x7fELF magic" },
        { "ELF32", b => With(b, 4, 1), "not an ELF64 file" },
        { "big-endian", b => With(b, 5, 2), "not a little-endian ELF file" },
        { "no section headers", b => WithU64(b, 40, 0), "no section header table" },
        { "section headers past the end", b => WithU64(b, 40, (ulong)b.Length), "lies outside" },
        { "truncated", b => b[..0x180], "lies outside" },
        { "name past its string table", b => WithU32(b, 0x148, 0x7fff), "string index 32767 lies outside" },
        { "next need past its section", b => WithU32(b, 0x10c, 0x400), "runs past the end of its section" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_files_are_refused_with_the_reason(string what, Func<byte[], byte[]> corrupt, string reason)
    {
        var bytes = corrupt(HandBuiltElf.Build().Bytes);

        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Parse(bytes).VersionNeeds());

        Assert.True(e.Message.Contains(reason, StringComparison.Ordinal), $"{what}: '{e.Message}' does not say '{reason}'");
    }

    private static byte[] With(byte[] b, int at, byte value)
    {
        var copy = (byte[])b.Clone();
        copy[at] = value;
        return copy;
    }

    private static byte[] WithU32(byte[] b, int at, uint value)
    {
        var copy = (byte[])b.Clone();
        BitConverter.TryWriteBytes(copy.AsSpan(at, 4), value);
        return copy;
    }

    private static byte[] WithU64(byte[] b, int at, ulong value)
    {
        var copy = (byte[])b.Clone();
        BitConverter.TryWriteBytes(copy.AsSpan(at, 8), value);
        return copy;
    }
}
