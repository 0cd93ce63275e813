using System.Runtime.InteropServices;

namespace Dice.Trainer;

/// <summary>
/// Whether TorchSharp's native library loads in this process, asked of the dynamic loader directly. When it does not,
/// TorchSharp reports a package that "has not been restored" whatever the cause, and first copies ~0.5 GB of natives
/// from the NuGet cache into a folder beside the app to try again; the loader's own message names the real cause
/// (e.g. "version `GLIBCXX_3.4.32' not found": see build/LibTorchSharp.targets). Call this before touching TorchSharp.
/// </summary>
public static class TorchNative
{
    public const string LibraryFileName = "libLibTorchSharp.so";

    /// <summary>The copy the .NET host resolves: the first of the app's native search directories that has it (null if none).</summary>
    public static string? Locate() =>
        SearchDirectories().Select(d => Path.Combine(d, LibraryFileName)).FirstOrDefault(File.Exists);

    /// <summary>Null when the library loads (or on a platform other than Linux, where TorchSharp finds its own), else why not.</summary>
    public static string? LoadProblem()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var path = Locate();
        if (path is null)
        {
            return $"{LibraryFileName} is not among this app's native libraries (searched {string.Join(", ", SearchDirectories())}); " +
                "build it with its TorchSharp package reference (dotnet build)";
        }
        try
        {
            NativeLibrary.Load(path);
            return null;
        }
        catch (DllNotFoundException e)
        {
            return $"the loader cannot load {path}: {LoaderMessage(e.Message)}";
        }
        catch (BadImageFormatException e)
        {
            return $"the loader cannot load {path}: {e.Message}";
        }
    }

    /// <exception cref="InvalidOperationException">The library does not load; the message says why.</exception>
    public static void EnsureLoadable()
    {
        if (LoadProblem() is { } problem)
        {
            throw new InvalidOperationException($"libtorch is unavailable: {problem}");
        }
    }

    private static IEnumerable<string> SearchDirectories()
    {
        var listed = AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? string.Empty;
        return listed.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Append(AppContext.BaseDirectory)
            .Select(Path.TrimEndingDirectorySeparator)
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>.NET puts dlerror()'s text ("…libstdc++.so.6: version `X' not found (required by …)") on the lines after
    /// a sentence of general advice; keep those lines.</summary>
    private static string LoaderMessage(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 1 ? string.Join("; ", lines.Skip(1)) : message;
    }
}
