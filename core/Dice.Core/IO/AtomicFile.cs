namespace Dice.Core.IO;

/// <summary>
/// Writes a file so that readers see either the old content or the whole new one: a temporary file beside the
/// target, flushed, then renamed over it. On failure the temporary file is removed and the target is untouched.
/// Temporary files and staging folders are named <c>.NAME.&lt;32 hex digits&gt;.dice-tmp</c> (<see cref="TempPath"/>), so
/// what a killed process left behind is recognisable and the next run on the same output removes it
/// (<see cref="DeleteLeftovers"/>).
/// </summary>
public static class AtomicFile
{
    public const string TempSuffix = ".dice-tmp";

    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string temp = WriteTemp(fullPath, write);
        try
        {
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>
    /// Writes several files as one unit: every file to its temporary name first (flushed), then each renamed into place
    /// in the order given, so a process killed at any moment leaves each earlier file complete and each later one
    /// untouched, never a partial file at a final path. <paramref name="killPoint"/> names the
    /// <see cref="FaultInjection"/> point reached between two renames.
    /// </summary>
    public static void WriteAll(IReadOnlyList<(string Path, ReadOnlyMemory<byte> Bytes)> files, string? killPoint = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var staged = new List<(string Temp, string Final)>();
        try
        {
            foreach (var (path, bytes) in files)
            {
                string full = Path.GetFullPath(path);
                staged.Add((WriteTemp(full, stream => stream.Write(bytes.Span)), full));
            }
            for (int i = 0; i < staged.Count; i++)
            {
                if (i > 0 && killPoint is not null)
                {
                    FaultInjection.Reached(killPoint);
                }
                File.Move(staged[i].Temp, staged[i].Final, overwrite: true);
            }
        }
        catch
        {
            foreach (var (temp, _) in staged)
            {
                TryDelete(temp);
            }
            throw;
        }
    }

    /// <summary>A fresh temporary name beside <paramref name="path"/> (file or folder): <c>.NAME.&lt;32 hex&gt;.dice-tmp</c>.</summary>
    public static string TempPath(string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string directory = Path.GetDirectoryName(full)
            ?? throw new ArgumentException($"{path} names a root directory, not a file", nameof(path));
        return Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TempSuffix}");
    }

    /// <summary>
    /// Deletes the temporary files and staging folders (<see cref="TempPath"/>) that earlier writers of
    /// <paramref name="path"/> left, e.g. when killed. Call it only while holding the output's <see cref="RunLock"/>, so no
    /// live writer's files are taken. Returns how many entries were removed.
    /// </summary>
    public static int DeleteLeftovers(string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string? directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
        {
            return 0;
        }
        string name = Path.GetFileName(full);
        int removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, $".{name}.*{TempSuffix}"))
        {
            // The pattern's '*' could span further dots: only NAME followed by exactly one id is ours.
            if (IsTempName(Path.GetFileName(entry)) && Path.GetFileName(entry).Length == name.Length + 2 + 32 + TempSuffix.Length)
            {
                Delete(entry);
                removed++;
            }
        }
        return removed;
    }

    /// <summary>
    /// Deletes every temporary file and staging folder (<see cref="TempPath"/>) anywhere under <paramref name="folder"/>:
    /// for a folder output, whose <see cref="RunLock"/> the caller holds, all of them are leftovers. Returns how many.
    /// </summary>
    public static int DeleteLeftoversWithin(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        var leftovers = Directory.EnumerateFileSystemEntries(folder, "*" + TempSuffix, SearchOption.AllDirectories)
            .Where(e => IsTempName(Path.GetFileName(e)))
            .ToList();
        // A staging folder's own contents go with it.
        var outermost = leftovers.Where(e => !leftovers.Any(o => e.StartsWith(o + Path.DirectorySeparatorChar, StringComparison.Ordinal))).ToList();
        outermost.ForEach(Delete);
        return outermost.Count;
    }

    /// <summary>Whether <paramref name="name"/> is a <see cref="TempPath"/> name: ".NAME." then 32 lower-case hex digits then ".dice-tmp".</summary>
    public static bool IsTempName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int idEnd = name.Length - TempSuffix.Length;
        int idStart = idEnd - 32;
        return name.StartsWith('.') && name.EndsWith(TempSuffix, StringComparison.Ordinal) && idStart >= 3 && name[idStart - 1] == '.'
            && name.AsSpan(idStart, 32).ContainsAnyExcept("0123456789abcdef") is false;
    }

    private static void Delete(string entry)
    {
        if (Directory.Exists(entry))
        {
            Directory.Delete(entry, recursive: true);
        }
        else
        {
            File.Delete(entry);
        }
    }

    private static string WriteTemp(string fullPath, Action<Stream> write)
    {
        string temp = TempPath(fullPath);
        try
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        return temp;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception matters more.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
