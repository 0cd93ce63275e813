namespace Dice.Core.IO;

/// <summary>
/// An exclusive lock on what a run writes: the file <c>.NAME.dice-lock</c> beside the output NAME (a file or a folder),
/// opened with <see cref="FileShare.None"/>, which .NET turns into an exclusive <c>flock</c> on Unix and a sharing
/// lock on Windows, so the operating system drops it when the process dies, even by SIGKILL. Held until disposed, when
/// the lock file is deleted (while still held).
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string Suffix = ".dice-lock";

    private readonly FileStream stream;
    private bool disposed;

    private RunLock(string path, FileStream stream)
    {
        Path = path;
        this.stream = stream;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>The lock file that guards <paramref name="output"/>.</summary>
    public static string PathFor(string output)
    {
        string full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(output));
        string directory = System.IO.Path.GetDirectoryName(full)
            ?? throw new ArgumentException($"{output} names a root directory", nameof(output));
        return System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}{Suffix}");
    }

    /// <summary>
    /// Takes the lock on <paramref name="output"/>, whose folder must exist. Throws <see cref="RunLockedException"/> at
    /// once if another process (or another lock in this one) holds it.
    /// </summary>
    public static RunLock Acquire(string output)
    {
        string path = PathFor(output);
        while (true)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (e is not (DirectoryNotFoundException or FileNotFoundException or PathTooLongException) && File.Exists(path))
            {
                throw new RunLockedException(output, path, e);
            }
            // The holder before us deletes the file as it lets go: if it did so between our open and our lock, we hold
            // a file no one else can see, so open the path again.
            if (IsUnlinked(stream))
            {
                stream.Dispose();
                continue;
            }
            return new RunLock(path, stream);
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        try
        {
            File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A lock file left behind does no harm: the next run locks it again.
        }
        stream.Dispose();
    }

    /// <summary>Whether the open file has been removed from its folder (Linux: its /proc/self/fd link ends in " (deleted)").</summary>
    private static bool IsUnlinked(FileStream stream)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        var link = $"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}";
        try
        {
            return File.ResolveLinkTarget(link, returnFinalTarget: false)?.FullName.EndsWith(" (deleted)", StringComparison.Ordinal) ?? false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>Another run holds the <see cref="RunLock"/> on an output.</summary>
public sealed class RunLockedException : IOException
{
    public RunLockedException() { }

    public RunLockedException(string message) : base(message) { }

    public RunLockedException(string message, Exception inner) : base(message, inner) { }

    public RunLockedException(string output, string lockPath, Exception inner)
        : base($"another dice run is writing {output} (it holds {lockPath})", inner)
    {
        Output = output;
    }

    /// <summary>The output the other run holds.</summary>
    public string? Output { get; }
}
