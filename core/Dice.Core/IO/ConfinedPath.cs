namespace Dice.Core.IO;

/// <summary>
/// Resolves a path that a file names (relative to a folder) and refuses it unless it stays inside that folder: no
/// absolute path, no '..' step, and no symbolic link on any component that points outside. Links are followed the
/// way the kernel follows them (component by component, '..' after a link is the link target's parent), so what is
/// checked is where an open of the path would land.
/// </summary>
public static class ConfinedPath
{
    // Linux's own limit on links followed while resolving one path (MAXSYMLINKS).
    private const int MaxLinks = 40;

    /// <param name="folder">The folder the path must stay in.</param>
    /// <param name="path">The path as <paramref name="file"/> states it, relative to <paramref name="folder"/>.</param>
    /// <param name="file">The file the path was read from, for the error message.</param>
    /// <param name="field">What the path is in that file, for the error message (e.g. "external data location").</param>
    /// <returns>The full path of the file inside <paramref name="folder"/>.</returns>
    /// <exception cref="PathEscapeException">The path leads outside <paramref name="folder"/>.</exception>
    public static string Resolve(string folder, string path, string file, string field)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(path);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        PathEscapeException Escape(string how) => new(file, field, path, root, how);
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            throw Escape("names no file inside the folder");
        }
        if (Path.IsPathRooted(path))
        {
            throw Escape("is an absolute path");
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Contains(".."))
        {
            throw Escape("steps up with '..'");
        }
        if (parts.All(p => p == "."))
        {
            throw Escape("names the folder itself, not a file inside it");
        }
        var realRoot = RealPath(root);
        var real = RealPath(Path.Combine(realRoot, path));
        if (!real.StartsWith(realRoot + "/", StringComparison.Ordinal))
        {
            throw Escape($"leads through a symbolic link to {real}");
        }
        return Path.Combine(root, string.Join('/', parts.Where(p => p != ".")));
    }

    /// <summary>
    /// Where <paramref name="path"/> (absolute) lands once every symbolic link on it is followed; components that do
    /// not exist are kept as written.
    /// </summary>
    internal static string RealPath(string path)
    {
        var links = 0;
        return Walk("/", path);

        string Walk(string current, string rest)
        {
            if (Path.IsPathRooted(rest))
            {
                current = "/";
            }
            foreach (var part in rest.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == ".")
                {
                    continue;
                }
                if (part == "..")
                {
                    current = Path.GetDirectoryName(current) ?? "/";
                    continue;
                }
                var next = current == "/" ? "/" + part : current + "/" + part;
                var target = new FileInfo(next).LinkTarget;
                if (target is null)
                {
                    current = next;
                    continue;
                }
                if (++links > MaxLinks)
                {
                    throw new IOException($"{path}: more than {MaxLinks} symbolic links on the way (a loop?)");
                }
                current = Walk(current, target);
            }
            return current;
        }
    }
}
