using System.Buffers.Binary;
using System.Text;

namespace Dice.Build.Tests;

/// <summary>
/// A minimal ELF64 little-endian shared object laid out byte by byte from the ELF-64 object file format and the LSB's
/// symbol-versioning sections: only what the version-need reader looks at. Needs libc.so.6 GLIBC_2.2.5 (version index 2)
/// and libstdc++.so.6 GLIBCXX_3.4 (3) and GLIBCXX_3.4.32 (4); dynamic symbols _ZSt21ios_base_library_initv (bound to
/// 4), _ZNSt8ios_base4InitC1Ev (3) and memcpy (2); relocations against the last two (and, on request, the first);
/// optionally version definitions as a library that provides them.
/// </summary>
internal sealed class HandBuiltElf
{
    // Fixed offsets of this layout.
    public const int DynstrOffset = 0x40;
    public const int VerneedOffset = 0x100;
    public const int DynsymOffset = 0x150;
    public const int VersymOffset = 0x1b0;
    public const int RelaOffset = 0x1b8;
    public const int VerdefOffset = 0x200;

    /// <summary>vna_flags of the GLIBCXX_3.4.32 need: the third Vernaux, 0x140, plus 4.</summary>
    public const int Glibcxx32FlagsOffset = 0x144;

    /// <summary>vna_flags of the GLIBCXX_3.4 need (0x130 + 4).</summary>
    public const int Glibcxx34FlagsOffset = 0x134;

    private const int ShtStrtab = 3;
    private const int ShtRela = 4;
    private const int ShtDynsym = 11;
    private const int ShtGnuVerdef = 0x6ffffffd;
    private const int ShtGnuVerneed = 0x6ffffffe;
    private const int ShtGnuVersym = 0x6fffffff;

    private readonly byte[] bytes;
    private readonly Dictionary<string, int> names = new(StringComparer.Ordinal);

    private HandBuiltElf(int length) => bytes = new byte[length];

    public byte[] Bytes => bytes;

    /// <param name="glibcxx32Flags">vna_flags of the GLIBCXX_3.4.32 need (2 = VER_FLG_WEAK).</param>
    /// <param name="relocateIosInit">Also a relocation against _ZSt21ios_base_library_initv (so the version is used).</param>
    /// <param name="definitions">Version names to define in .gnu.version_d (after the base entry naming the file); null: no such section.</param>
    public static HandBuiltElf Build(ushort glibcxx32Flags = 0, bool relocateIosInit = false, string[]? definitions = null)
    {
        var defs = definitions ?? [];
        var verdefSize = definitions is null ? 0 : 28 * (1 + defs.Length);
        var sectionHeaders = Align8(VerdefOffset + verdefSize);
        var sectionCount = definitions is null ? 6 : 7;
        var elf = new HandBuiltElf(sectionHeaders + (64 * sectionCount));

        // .dynstr: NUL first, then every name.
        string[] strings =
        [
            "libc.so.6", "GLIBC_2.2.5", "libstdc++.so.6", "GLIBCXX_3.4", "GLIBCXX_3.4.32",
            "_ZSt21ios_base_library_initv", "_ZNSt8ios_base4InitC1Ev", "memcpy", .. defs,
        ];
        var at = DynstrOffset + 1;
        foreach (var s in strings.Distinct(StringComparer.Ordinal))
        {
            elf.names[s] = at - DynstrOffset;
            Encoding.ASCII.GetBytes(s).CopyTo(elf.bytes, at);
            at += s.Length + 1;
        }
        var dynstrSize = at - DynstrOffset;
        if (at > VerneedOffset)
        {
            throw new InvalidOperationException("the string table outgrew its slot");
        }

        // ELF header.
        elf.bytes[0] = 0x7f;
        elf.bytes[1] = (byte)'E';
        elf.bytes[2] = (byte)'L';
        elf.bytes[3] = (byte)'F';
        elf.bytes[4] = 2; // ELFCLASS64
        elf.bytes[5] = 1; // ELFDATA2LSB
        elf.bytes[6] = 1; // EV_CURRENT
        elf.U16(16, 3); // ET_DYN
        elf.U16(18, 62); // EM_X86_64
        elf.U32(20, 1);
        elf.U64(40, (ulong)sectionHeaders); // e_shoff
        elf.U16(52, 64); // e_ehsize
        elf.U16(58, 64); // e_shentsize
        elf.U16(60, (ushort)sectionCount);

        // .gnu.version_r: Elf64_Verneed {vn_version, vn_cnt, vn_file, vn_aux, vn_next}, each followed by its
        // Elf64_Vernaux {vna_hash, vna_flags, vna_other, vna_name, vna_next}.
        elf.Verneed(0x100, count: 1, "libc.so.6", next: 0x20);
        elf.Vernaux(0x110, flags: 0, index: 2, "GLIBC_2.2.5", next: 0);
        elf.Verneed(0x120, count: 2, "libstdc++.so.6", next: 0);
        elf.Vernaux(0x130, flags: 0, index: 3, "GLIBCXX_3.4", next: 0x10);
        elf.Vernaux(0x140, flags: glibcxx32Flags, index: 4, "GLIBCXX_3.4.32", next: 0);

        // .dynsym: Elf64_Sym {st_name u32, st_info u8, st_other u8, st_shndx u16, st_value u64, st_size u64}; entry 0 is null.
        string[] symbols = ["_ZSt21ios_base_library_initv", "_ZNSt8ios_base4InitC1Ev", "memcpy"];
        for (var i = 0; i < symbols.Length; i++)
        {
            var sym = DynsymOffset + (24 * (i + 1));
            elf.U32(sym, (uint)elf.names[symbols[i]]);
            elf.bytes[sym + 4] = 0x12; // STB_GLOBAL, STT_FUNC; undefined (st_shndx 0)
        }
        // .gnu.version: one half-word per symbol: the version index.
        ushort[] versions = [0, 4, 3, 2];
        for (var i = 0; i < versions.Length; i++)
        {
            elf.U16(VersymOffset + (2 * i), versions[i]);
        }
        // .rela.dyn: Elf64_Rela {r_offset u64, r_info u64 = symbol << 32 | type, r_addend i64}; type 6 = R_X86_64_GLOB_DAT.
        uint[] relocated = relocateIosInit ? [2, 3, 1] : [2, 3];
        for (var i = 0; i < relocated.Length; i++)
        {
            var rela = RelaOffset + (24 * i);
            elf.U64(rela, (ulong)(0x3000 + (8 * i)));
            elf.U64(rela + 8, ((ulong)relocated[i] << 32) | 6);
        }
        // .gnu.version_d: Elf64_Verdef {vd_version u16, vd_flags u16, vd_ndx u16, vd_cnt u16, vd_hash u32, vd_aux u32,
        // vd_next u32} + one Elf64_Verdaux {vda_name u32, vda_next u32}; the first (VER_FLG_BASE) names the file.
        if (definitions is not null)
        {
            string[] all = ["libstdc++.so.6", .. defs];
            for (var i = 0; i < all.Length; i++)
            {
                var def = VerdefOffset + (28 * i);
                elf.U16(def, 1);
                elf.U16(def + 2, (ushort)(i == 0 ? 1 : 0));
                elf.U16(def + 4, (ushort)(i + 1));
                elf.U16(def + 6, 1);
                elf.U32(def + 12, 20);
                elf.U32(def + 16, i == all.Length - 1 ? 0u : 28u);
                elf.U32(def + 20, (uint)elf.names[all[i]]);
            }
        }

        // Section headers: Elf64_Shdr {sh_name u32, sh_type u32, sh_flags u64, sh_addr u64, sh_offset u64, sh_size u64,
        // sh_link u32, sh_info u32, sh_addralign u64, sh_entsize u64}; entry 0 is null.
        elf.Section(sectionHeaders, 1, ShtStrtab, DynstrOffset, dynstrSize, link: 0, info: 0, entrySize: 0);
        elf.Section(sectionHeaders, 2, ShtGnuVerneed, VerneedOffset, 0x50, link: 1, info: 2, entrySize: 0);
        elf.Section(sectionHeaders, 3, ShtDynsym, DynsymOffset, 24 * 4, link: 1, info: 1, entrySize: 24);
        elf.Section(sectionHeaders, 4, ShtGnuVersym, VersymOffset, 2 * 4, link: 3, info: 0, entrySize: 2);
        elf.Section(sectionHeaders, 5, ShtRela, RelaOffset, 24 * relocated.Length, link: 3, info: 0, entrySize: 24);
        if (definitions is not null)
        {
            elf.Section(sectionHeaders, 6, ShtGnuVerdef, VerdefOffset, verdefSize, link: 1, info: (uint)(1 + defs.Length), entrySize: 0);
        }
        return elf;
    }

    private static int Align8(int n) => (n + 7) & ~7;

    private void Verneed(int at, ushort count, string file, uint next)
    {
        U16(at, 1);
        U16(at + 2, count);
        U32(at + 4, (uint)names[file]);
        U32(at + 8, 16);
        U32(at + 12, next);
    }

    private void Vernaux(int at, ushort flags, ushort index, string name, uint next)
    {
        U16(at + 4, flags);
        U16(at + 6, index);
        U32(at + 8, (uint)names[name]);
        U32(at + 12, next);
    }

    private void Section(int table, int index, uint type, int offset, int size, uint link, uint info, ulong entrySize)
    {
        var at = table + (64 * index);
        U32(at + 4, type);
        U64(at + 24, (ulong)offset);
        U64(at + 32, (ulong)size);
        U32(at + 40, link);
        U32(at + 44, info);
        U64(at + 48, 8);
        U64(at + 56, entrySize);
    }

    private void U16(int at, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), value);

    private void U32(int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);

    private void U64(int at, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), value);
}
