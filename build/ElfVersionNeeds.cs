// Marks one symbol-version need of a native library weak, for TorchSharp's libLibTorchSharp.so on hosts whose
// libstdc++ is older than the one it was linked against (see build/LibTorchSharp.targets for when and why).
//
// This one file is compiled twice: by MSBuild's RoslynCodeTaskFactory (an inline task takes exactly one source file
// and compiles against netstandard 2.0, hence no spans, records or newer BCL helpers) and by tests/Dice.Build.Tests.
// Layouts are those of the ELF-64 object file format and the LSB's symbol-versioning sections (.gnu.version_r,
// .gnu.version_d, .gnu.version).
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Dice.Build;

/// <summary>One Elf64_Vernaux entry: a version of <see cref="File"/> that the library needs.</summary>
public sealed class ElfVersionNeed
{
    /// <summary>VER_FLG_WEAK: the loader does not fail when the needed file lacks this version.</summary>
    public const ushort WeakFlag = 0x2;

    public ElfVersionNeed(string file, string version, ushort flags, ushort index, long flagsOffset)
    {
        File = file;
        Version = version;
        Flags = flags;
        Index = index;
        FlagsOffset = flagsOffset;
    }

    /// <summary>The needed library, as named in the string table (e.g. "libstdc++.so.6").</summary>
    public string File { get; }

    /// <summary>The version name (e.g. "GLIBCXX_3.4.32").</summary>
    public string Version { get; }

    /// <summary>vna_flags.</summary>
    public ushort Flags { get; }

    /// <summary>vna_other: the index that .gnu.version gives symbols bound to this version.</summary>
    public ushort Index { get; }

    /// <summary>File offset of the little-endian 16-bit vna_flags field.</summary>
    public long FlagsOffset { get; }

    public bool IsWeak => (Flags & WeakFlag) != 0;
}

/// <summary>
/// The symbol-versioning view of an ELF64 little-endian file, read through its section headers: version needs
/// (.gnu.version_r), version definitions (.gnu.version_d), and which dynamic symbols are bound to a version index.
/// Anything else, or a file whose tables point outside it, is rejected with <see cref="InvalidDataException"/>.
/// </summary>
public sealed class ElfVersionNeeds
{
    private const uint ShtRela = 4;
    private const uint ShtRel = 9;
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlgBase = 0x1;
    private const int SectionHeaderSize = 64;

    private readonly byte[] bytes;
    private readonly List<Section> sections;

    private ElfVersionNeeds(byte[] bytes, List<Section> sections)
    {
        this.bytes = bytes;
        this.sections = sections;
    }

    /// <summary>Parses the section headers of <paramref name="elf"/> (not copied: keep it unchanged while in use).</summary>
    public static ElfVersionNeeds Parse(byte[] elf)
    {
        if (elf is null)
        {
            throw new ArgumentNullException(nameof(elf));
        }
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file (no \\x7fELF magic)");
        }
        if (elf[4] != 2)
        {
            throw new InvalidDataException($"not an ELF64 file (EI_CLASS {elf[4]}; only 2, ELFCLASS64, is read)");
        }
        if (elf[5] != 1)
        {
            throw new InvalidDataException($"not a little-endian ELF file (EI_DATA {elf[5]}; only 1, ELFDATA2LSB, is read)");
        }
        var shoff = U64(elf, 40);
        var shentsize = U16(elf, 58);
        long shnum = U16(elf, 60);
        if (shoff == 0)
        {
            throw new InvalidDataException("the ELF file has no section header table");
        }
        if (shentsize < SectionHeaderSize)
        {
            throw new InvalidDataException($"ELF section headers of {shentsize} bytes (expected {SectionHeaderSize})");
        }
        if (shnum == 0)
        {
            // Extended numbering: the count is section 0's sh_size.
            CheckRange(elf, shoff, SectionHeaderSize, "section header 0");
            shnum = (long)U64(elf, (long)shoff + 32);
        }
        CheckRange(elf, shoff, (ulong)shnum * shentsize, "the section header table");
        var sections = new List<Section>();
        for (long i = 0; i < shnum; i++)
        {
            var at = (long)shoff + i * shentsize;
            sections.Add(new Section(U32(elf, at + 4), U64(elf, at + 24), U64(elf, at + 32), U32(elf, at + 40), U32(elf, at + 44),
                U64(elf, at + 56)));
        }
        return new ElfVersionNeeds(elf, sections);
    }

    /// <summary>Every (file, version) need in .gnu.version_r, in file order; empty if the section is absent.</summary>
    public IReadOnlyList<ElfVersionNeed> VersionNeeds()
    {
        var result = new List<ElfVersionNeed>();
        foreach (var section in sections.Where(s => s.Type == ShtGnuVerneed))
        {
            var strings = StringTable(section);
            var end = section.Offset + section.Size;
            var at = section.Offset;
            for (uint entry = 0; entry < section.Info; entry++)
            {
                CheckWithin(at, 16, end, ".gnu.version_r entry");
                var count = U16(bytes, (long)at + 2);
                var file = strings.Get(U32(bytes, (long)at + 4));
                var aux = at + U32(bytes, (long)at + 8);
                for (var k = 0; k < count; k++)
                {
                    CheckWithin(aux, 16, end, ".gnu.version_r auxiliary entry");
                    result.Add(new ElfVersionNeed(file, strings.Get(U32(bytes, (long)aux + 8)), U16(bytes, (long)aux + 4),
                        U16(bytes, (long)aux + 6), (long)aux + 4));
                    var nextAux = U32(bytes, (long)aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }
                    aux += nextAux;
                }
                var next = U32(bytes, (long)at + 12);
                if (next == 0)
                {
                    break;
                }
                at += next;
            }
        }
        return result;
    }

    /// <summary>The version names the file defines in .gnu.version_d (e.g. "GLIBCXX_3.4.30"), without the base entry
    /// that names the file itself; empty if the section is absent.</summary>
    public IReadOnlyList<string> VersionDefinitions()
    {
        var result = new List<string>();
        foreach (var section in sections.Where(s => s.Type == ShtGnuVerdef))
        {
            var strings = StringTable(section);
            var end = section.Offset + section.Size;
            var at = section.Offset;
            for (uint entry = 0; entry < section.Info; entry++)
            {
                CheckWithin(at, 20, end, ".gnu.version_d entry");
                var flags = U16(bytes, (long)at + 2);
                var auxCount = U16(bytes, (long)at + 6);
                if ((flags & VerFlgBase) == 0 && auxCount > 0)
                {
                    var aux = at + U32(bytes, (long)at + 12);
                    CheckWithin(aux, 8, end, ".gnu.version_d auxiliary entry");
                    result.Add(strings.Get(U32(bytes, (long)aux)));
                }
                var next = U32(bytes, (long)at + 16);
                if (next == 0)
                {
                    break;
                }
                at += next;
            }
        }
        return result;
    }

    /// <summary>Names of the dynamic symbols bound to version <paramref name="index"/> (through .gnu.version).</summary>
    public IReadOnlyList<string> SymbolsBoundTo(ushort index) =>
        DynamicSymbolsBoundTo(index).Select(s => s.Name).ToList();

    /// <summary>Names of the symbols bound to version <paramref name="index"/> that a relocation refers to: what the
    /// loader would have to resolve against that version.</summary>
    public IReadOnlyList<string> RelocatedSymbolsBoundTo(ushort index)
    {
        var bound = DynamicSymbolsBoundTo(index).ToDictionary(s => s.Index, s => s.Name);
        var dynsym = sections.FindIndex(s => s.Type == ShtDynsym);
        var result = new SortedSet<string>(StringComparer.Ordinal);
        if (bound.Count == 0)
        {
            return result.ToList();
        }
        foreach (var section in sections.Where(s => (s.Type == ShtRela || s.Type == ShtRel) && s.Link == dynsym))
        {
            var entrySize = section.EntrySize != 0 ? section.EntrySize : section.Type == ShtRela ? 24UL : 16UL;
            CheckRange(bytes, section.Offset, section.Size, "a relocation section");
            for (var at = section.Offset; at + entrySize <= section.Offset + section.Size; at += entrySize)
            {
                var symbol = (long)(U64(bytes, (long)at + 8) >> 32);
                if (bound.TryGetValue(symbol, out var name))
                {
                    result.Add(name);
                }
            }
        }
        return result.ToList();
    }

    private List<(long Index, string Name)> DynamicSymbolsBoundTo(ushort index)
    {
        var result = new List<(long, string)>();
        var dynsymIndex = sections.FindIndex(s => s.Type == ShtDynsym);
        var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (dynsymIndex < 0 || versym is null)
        {
            return result;
        }
        var dynsym = sections[dynsymIndex];
        var strings = StringTable(dynsym);
        var symbolSize = dynsym.EntrySize != 0 ? dynsym.EntrySize : 24UL;
        var count = (long)(dynsym.Size / symbolSize);
        CheckRange(bytes, dynsym.Offset, dynsym.Size, ".dynsym");
        CheckRange(bytes, versym.Offset, (ulong)count * 2, ".gnu.version");
        for (long i = 1; i < count; i++)
        {
            // Bit 15 marks a hidden symbol; the low 15 bits are the version index.
            if ((U16(bytes, (long)versym.Offset + i * 2) & 0x7fff) == index)
            {
                result.Add((i, strings.Get(U32(bytes, (long)dynsym.Offset + i * (long)symbolSize))));
            }
        }
        return result;
    }

    private StringTable StringTable(Section owner)
    {
        if (owner.Link >= sections.Count)
        {
            throw new InvalidDataException($"a section links to string table {owner.Link} of {sections.Count}");
        }
        var table = sections[(int)owner.Link];
        CheckRange(bytes, table.Offset, table.Size, "a string table");
        return new StringTable(bytes, table.Offset, table.Size);
    }

    private void CheckWithin(ulong at, ulong length, ulong end, string what)
    {
        if (at + length > end || at + length < at)
        {
            throw new InvalidDataException($"{what} at offset {at} runs past the end of its section");
        }
        CheckRange(bytes, at, length, what);
    }

    private static void CheckRange(byte[] data, ulong offset, ulong length, string what)
    {
        if (offset > (ulong)data.Length || length > (ulong)data.Length - offset)
        {
            throw new InvalidDataException($"{what} (offset {offset}, {length} bytes) lies outside the {data.Length}-byte file");
        }
    }

    internal static ushort U16(byte[] b, long at) => (ushort)(b[at] | (b[at + 1] << 8));

    internal static uint U32(byte[] b, long at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

    internal static ulong U64(byte[] b, long at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);

    private sealed class Section
    {
        public Section(uint type, ulong offset, ulong size, uint link, uint info, ulong entrySize)
        {
            Type = type;
            Offset = offset;
            Size = size;
            Link = link;
            Info = info;
            EntrySize = entrySize;
        }

        public uint Type { get; }

        public ulong Offset { get; }

        public ulong Size { get; }

        public uint Link { get; }

        public uint Info { get; }

        public ulong EntrySize { get; }
    }
}

/// <summary>NUL-terminated names in an ELF string table section.</summary>
internal sealed class StringTable
{
    private readonly byte[] bytes;
    private readonly ulong offset;
    private readonly ulong size;

    public StringTable(byte[] bytes, ulong offset, ulong size)
    {
        this.bytes = bytes;
        this.offset = offset;
        this.size = size;
    }

    public string Get(uint index)
    {
        if (index >= size)
        {
            throw new InvalidDataException($"string index {index} lies outside its {size}-byte string table");
        }
        var start = (long)(offset + index);
        var end = start;
        while (end < (long)(offset + size) && bytes[end] != 0)
        {
            end++;
        }
        return Encoding.UTF8.GetString(bytes, (int)start, (int)(end - start));
    }
}

/// <summary>Finds the libstdc++.so.6 the dynamic loader gives a process on this host.</summary>
public static class SystemLibStdCxx
{
    private const string FileName = "libstdc++.so.6";

    /// <summary>The multiarch and lib64 folders the dynamic loader searches by default.</summary>
    public static readonly IReadOnlyList<string> StandardFolders = new[]
    {
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib64", "/usr/lib64", "/lib", "/usr/lib",
    };

    /// <summary>The loader cache's entry for this process's architecture (`ldconfig -p`), else the first copy in
    /// <see cref="StandardFolders"/>; null if there is neither.</summary>
    public static string? Find() => FromLoaderCache() ?? StandardFolders.Select(f => Path.Combine(f, FileName)).FirstOrDefault(File.Exists);

    /// <summary>Lines such as "libstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6".</summary>
    private static string? FromLoaderCache()
    {
        var ldconfig = new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" }.FirstOrDefault(File.Exists);
        if (ldconfig is null)
        {
            return null;
        }
        var arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "x86-64",
            System.Runtime.InteropServices.Architecture.Arm64 => "AArch64",
            _ => null,
        };
        if (arch is null)
        {
            return null;
        }
        var start = new System.Diagnostics.ProcessStartInfo(ldconfig, "-p")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(start);
        if (process is null)
        {
            return null;
        }
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        foreach (var line in output.Split('\n'))
        {
            var entry = line.Trim();
            var arrow = entry.IndexOf("=> ", StringComparison.Ordinal);
            if (entry.StartsWith(FileName + " (", StringComparison.Ordinal) && arrow > 0 &&
                entry.IndexOf("," + arch + ")", StringComparison.Ordinal) > 0)
            {
                var path = entry.Substring(arrow + 3).Trim();
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }
        return null;
    }
}

/// <summary>
/// For each library in <see cref="Files"/> that needs <see cref="Version"/> of <see cref="Library"/>, marks that need
/// weak (VER_FLG_WEAK) when the system's copy of the library does not define the version. Only done when no relocation
/// refers to a symbol of that version (otherwise the library cannot run on this host, and the build fails saying so).
/// The patched file is a copy renamed over the original, so a hard link into the NuGet cache is replaced, never
/// written through; it keeps the original's timestamp so incremental builds do not copy it again. Idempotent.
/// </summary>
public sealed class MarkVersionNeedWeak : Microsoft.Build.Utilities.Task
{
    /// <summary>The native libraries to fix; missing paths are ignored.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The needed file, e.g. "libstdc++.so.6".</summary>
    [Required]
    public string Library { get; set; } = string.Empty;

    /// <summary>The version, e.g. "GLIBCXX_3.4.32".</summary>
    [Required]
    public string Version { get; set; } = string.Empty;

    /// <summary>The system copy of <see cref="Library"/> to check; empty: <see cref="SystemLibStdCxx.Find"/>.</summary>
    public string SystemLibrary { get; set; } = string.Empty;

    /// <summary>The files this run changed.</summary>
    [Output]
    public ITaskItem[] Patched { get; private set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        var candidates = new List<(ITaskItem Item, string Path, ElfVersionNeeds Elf, ElfVersionNeed Need)>();
        foreach (var item in Files)
        {
            var path = item.GetMetadata("FullPath");
            if (!File.Exists(path))
            {
                continue;
            }
            var elf = ElfVersionNeeds.Parse(File.ReadAllBytes(path));
            var need = elf.VersionNeeds().FirstOrDefault(n => n.File == Library && n.Version == Version);
            if (need is not null && !need.IsWeak)
            {
                candidates.Add((item, path, elf, need));
            }
        }
        if (candidates.Count == 0)
        {
            return true;
        }
        var system = string.IsNullOrEmpty(SystemLibrary) ? SystemLibStdCxx.Find() : SystemLibrary;
        if (system is not null && File.Exists(system) &&
            ElfVersionNeeds.Parse(File.ReadAllBytes(system)).VersionDefinitions().Contains(Version, StringComparer.Ordinal))
        {
            Log.LogMessage(MessageImportance.Low, "{0} defines {1}: nothing to mark", system, Version);
            return true;
        }
        var why = system is null ? $"no {Library} found" : $"{system} does not define {Version}";
        var patched = new List<ITaskItem>();
        foreach (var (item, path, elf, need) in candidates)
        {
            var used = elf.RelocatedSymbolsBoundTo(need.Index);
            if (used.Count > 0)
            {
                Log.LogError("{0} needs {1} for {2}, and {3}: this library cannot run on this host (it needs a newer {4})",
                    path, Version, string.Join(", ", used), why, Library);
                return false;
            }
            WriteWeak(path, need);
            Log.LogMessage(MessageImportance.Normal, "{0}: marked its need for {1} weak ({2}; no relocation uses it)", path, Version, why);
            patched.Add(item);
        }
        Patched = patched.ToArray();
        return true;
    }

    /// <summary>Sets VER_FLG_WEAK on <paramref name="need"/> in a copy of <paramref name="path"/> and renames the copy
    /// over it.</summary>
    public static void WriteWeak(string path, ElfVersionNeed need)
    {
        if (need is null)
        {
            throw new ArgumentNullException(nameof(need));
        }
        var temp = path + ".dice-" + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            // File.Copy keeps the permission bits; the copy is a new inode even when path is a hard link.
            File.Copy(path, temp);
            var flags = (ushort)(need.Flags | ElfVersionNeed.WeakFlag);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write, FileShare.None))
            {
                stream.Position = need.FlagsOffset;
                stream.WriteByte((byte)(flags & 0xff));
                stream.WriteByte((byte)(flags >> 8));
            }
            File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(path));
            // A rename on Unix: atomic, and it replaces the directory entry, not the file behind it.
            File.Replace(temp, path, null);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
