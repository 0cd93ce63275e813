using System.Runtime.InteropServices;

namespace Dice.Core.Tokenization;

/// <summary>
/// Unicode normalization form C (canonical composition) through the host's ICU library, loaded on first use.
/// </summary>
/// <remarks>
/// Dice runs with <c>InvariantGlobalization</c>, under which <see cref="string.Normalize()"/> silently returns its input,
/// so ICU's C API (<c>unorm2_normalize</c>) is called directly. Text whose characters all lie below U+0300 is already in
/// NFC (every character that can decompose, or combine with the one before it, is at U+0300 or above), so such text,
/// plain ASCII included, never needs ICU. Any other text on a host without ICU gets a
/// <see cref="DllNotFoundException"/> that names the library and how to install it, never a silently different result.
/// Thread-safe.
/// </remarks>
internal sealed unsafe class IcuNormalizer
{
    /// <summary>Every character below this one is unchanged by NFC, alone and next to any other character.</summary>
    public const char FirstComposableCharacter = '\u0300';

    private const int BufferOverflowError = 15; // U_BUFFER_OVERFLOW_ERROR

    private readonly IReadOnlyList<string> libraryNames;
    private readonly Lazy<Functions> functions;

    /// <param name="libraryNames">ICU common libraries to try, in order, by file name or path.</param>
    internal IcuNormalizer(IReadOnlyList<string> libraryNames)
    {
        this.libraryNames = libraryNames;
        functions = new Lazy<Functions>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The normalizer over the ICU library the system provides.</summary>
    public static IcuNormalizer Shared { get; } = new(SystemLibraryNames());

    /// <summary>Whether <paramref name="text"/> is NFC without asking ICU (no character at or above U+0300).</summary>
    public static bool IsTriviallyComposed(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('\0', (char)(FirstComposableCharacter - 1));

    /// <summary><paramref name="text"/> in Unicode normalization form C.</summary>
    /// <exception cref="DllNotFoundException">The text needs ICU and no ICU library could be loaded.</exception>
    public string ToNfc(string text)
    {
        if (IsTriviallyComposed(text))
        {
            return text;
        }
        var icu = functions.Value;
        var capacity = text.Length + 16;
        while (true)
        {
            var buffer = new char[capacity];
            int status = 0, length;
            fixed (char* source = text)
            fixed (char* destination = buffer)
            {
                length = ((delegate* unmanaged<nint, char*, int, char*, int, int*, int>)icu.Normalize)(
                    icu.Nfc, source, text.Length, destination, buffer.Length, &status);
            }
            if (status == BufferOverflowError)
            {
                capacity = length;
                continue;
            }
            if (status > 0)
            {
                throw new InvalidOperationException($"ICU's unorm2_normalize ({icu.Library}) failed with error code {status}");
            }
            return new string(buffer, 0, length);
        }
    }

    private Functions Load()
    {
        foreach (var name in libraryNames)
        {
            if (!NativeLibrary.TryLoad(name, out var library))
            {
                continue;
            }
            // ICU's exports carry the major version as a suffix (unorm2_normalize_72) unless it was built without renaming.
            foreach (var suffix in (string[])[VersionSuffix(name), ""])
            {
                if (NativeLibrary.TryGetExport(library, "unorm2_getNFCInstance" + suffix, out var getNfc)
                    && NativeLibrary.TryGetExport(library, "unorm2_normalize" + suffix, out var normalize))
                {
                    var status = 0;
                    var nfc = ((delegate* unmanaged<int*, nint>)getNfc)(&status);
                    if (status > 0 || nfc == 0)
                    {
                        throw new InvalidOperationException($"ICU's unorm2_getNFCInstance ({name}) failed with error code {status}");
                    }
                    return new Functions(name, nfc, normalize);
                }
            }
            NativeLibrary.Free(library);
        }
        throw new DllNotFoundException(
            "Unicode composition (NFC) of this prompt, as CLIP's tokenizer does, needs the ICU library (libicuuc), and "
            + $"none could be loaded (tried {string.Join(", ", libraryNames.Take(3))} … {libraryNames[^1]}). Install ICU: on "
            + "Debian 12 `apt-get install libicu72`, elsewhere the distribution's libicu package. Prompts whose characters "
            + "all lie below U+0300 (plain ASCII, Latin-1) do not need it.");
    }

    /// <summary>"_72" for "libicuuc.so.72", else "".</summary>
    private static string VersionSuffix(string libraryName)
    {
        var dot = libraryName.LastIndexOf('.');
        var version = libraryName[(dot + 1)..];
        return dot > 0 && version.Length > 0 && version.All(char.IsAsciiDigit) ? "_" + version : "";
    }

    private static string[] SystemLibraryNames()
    {
        if (OperatingSystem.IsWindows())
        {
            return ["icu.dll", "icuuc.dll"];
        }
        if (OperatingSystem.IsMacOS())
        {
            return ["libicucore.A.dylib", "libicuuc.dylib"];
        }
        // Linux distributions ship the library under its major version only (libicuuc.so.72 on Debian 12).
        return [.. Enumerable.Range(50, 51).Reverse().Select(version => $"libicuuc.so.{version}"), "libicuuc.so"];
    }

    private sealed record Functions(string Library, nint Nfc, nint Normalize);
}
