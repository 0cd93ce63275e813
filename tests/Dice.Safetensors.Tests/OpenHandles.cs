namespace Dice.Safetensors.Tests;

/// <summary>Counts this process's file descriptors and memory mappings that refer to a file (Linux only).</summary>
internal static class OpenHandles
{
    public static bool CanInspect => OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd");

    public static int Count(string path)
    {
        var fullPath = Path.GetFullPath(path);
        var count = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && (target == fullPath || target == fullPath + " (deleted)"))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }
        count += File.ReadAllLines("/proc/self/maps").Count(line => line.EndsWith(fullPath, StringComparison.Ordinal)
            || line.EndsWith(fullPath + " (deleted)", StringComparison.Ordinal));
        return count;
    }
}
