using System.Reflection;
using System.Runtime.InteropServices;

namespace Dice.Torch.Native;

/// <summary>
/// Finds and loads libdice_torch.so: $DICE_TORCH_SHIM if set, else beside this assembly. A failure is a
/// <see cref="TorchNativeLibraryException"/> that says what was tried and how to fix it.
/// </summary>
public static class TorchNativeLibrary
{
    /// <summary>Environment variable holding an explicit path to libdice_torch.so.</summary>
    public const string PathVariable = "DICE_TORCH_SHIM";

    private const string FileName = "libdice_torch.so";
    private static readonly Lock Gate = new();
    private static IntPtr loaded;
    private static bool registered;

    internal static void RegisterResolver()
    {
        lock (Gate)
        {
            if (registered)
            {
                return;
            }
            NativeLibrary.SetDllImportResolver(typeof(TorchNativeLibrary).Assembly, Resolve);
            registered = true;
        }
    }

    /// <summary>The paths tried, in order.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return [explicitPath];
        }
        var list = new List<string> { Path.Combine(AppContext.BaseDirectory, FileName) };
        var assemblyDirectory = Path.GetDirectoryName(typeof(TorchNativeLibrary).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDirectory))
        {
            list.Add(Path.Combine(assemblyDirectory, FileName));
        }
        return list.Distinct().ToList();
    }

    /// <summary>Loads the first candidate that loads; throws with every reason otherwise.</summary>
    public static IntPtr Load(IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var reasons = new List<string>();
        foreach (var path in candidates)
        {
            if (!File.Exists(path))
            {
                reasons.Add($"{path}: no such file");
                continue;
            }
            try
            {
                return NativeLibrary.Load(path);
            }
            catch (DllNotFoundException e)
            {
                reasons.Add($"{path}: {e.Message}");
            }
        }
        throw new TorchNativeLibraryException(
            $"the libtorch shim {FileName} could not be loaded ({string.Join("; ", reasons)}). " +
            $"Run scripts/setup.sh to install libtorch (apt: libtorch-dev) and build it, or set {PathVariable} to its path.");
    }

    /// <summary>
    /// Debian's libtorch starts with one intra-op thread; use every core unless OMP_NUM_THREADS says otherwise.
    /// Called through the export directly: P/Invoke would re-enter this resolver.
    /// </summary>
    private static unsafe void UseAllCores(IntPtr library)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_NUM_THREADS")) ||
            !NativeLibrary.TryGetExport(library, "dt_set_num_threads", out var export))
        {
            return;
        }
        ((delegate* unmanaged<int, int>)export)(Environment.ProcessorCount);
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.Library)
        {
            return IntPtr.Zero;
        }
        lock (Gate)
        {
            if (loaded == IntPtr.Zero)
            {
                loaded = Load(Candidates());
                UseAllCores(loaded);
            }
            return loaded;
        }
    }
}
