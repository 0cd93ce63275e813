using Dice.Core.IO;

namespace Dice.Cli;

/// <summary>
/// What every writing verb does before it loads, samples or trains anything: checks that its output can be written
/// (the folder exists, is a folder and is writable), takes the output's exclusive <see cref="RunLock"/>, removes what a
/// killed run on the same output left (<see cref="AtomicFile.DeleteLeftovers"/>), and refuses to replace existing
/// outputs without --force. Dispose the returned lock when the run is done.
/// </summary>
internal static class RunOutput
{
    /// <summary>
    /// Claims <paramref name="output"/> (given as <paramref name="option"/>, e.g. "--out"), a file or a folder as
    /// <paramref name="isFolder"/> says. <paramref name="owned"/> are the paths the run will write (default: the output
    /// itself); an existing one is refused unless <paramref name="force"/>, with <paramref name="keepHint"/> (e.g. "--resume
    /// to continue it") offered beside --force. <paramref name="removeIncomplete"/>, if given, runs under the lock before
    /// that check, to remove what a killed run left unfinished at final paths.
    /// </summary>
    public static RunLock Claim(string option, string output, bool isFolder, bool force, IEnumerable<string>? owned = null,
        string? keepHint = null, Action? removeIncomplete = null)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            throw new DiceUsageException($"{option} is empty: name the {(isFolder ? "folder" : "file")} to write");
        }
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        var parent = Path.GetDirectoryName(full)
            ?? throw new DiceUsageException($"{option} {output} is a root folder: name a {(isFolder ? "folder" : "file")} inside one");
        if (File.Exists(parent))
        {
            throw new DiceUsageException($"{option} {output}: {parent} is a file, not a folder: choose a path inside an existing folder");
        }
        if (!Directory.Exists(parent))
        {
            throw new DiceUsageException($"{option} {output}: folder {parent} does not exist: create it first (mkdir -p {parent}) or choose another path");
        }
        if (isFolder && File.Exists(full))
        {
            throw new DiceUsageException($"{option} {output} is a file, not a folder: remove it or choose another path");
        }
        if (!isFolder && Directory.Exists(full))
        {
            throw new DiceUsageException($"{option} {output} is a folder, not a file: choose a file name");
        }
        RunLock runLock;
        try
        {
            runLock = RunLock.Acquire(full);
        }
        catch (RunLockedException e)
        {
            throw new DiceUsageException($"{option} {output}: another dice run is writing it (it holds {Path.GetFileName(RunLock.PathFor(full))}): "
                + "wait for that run to end or choose another path", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new DiceUsageException($"{option} {output}: folder {parent} is not writable: choose a folder you can write to", e);
        }
        try
        {
            var paths = (owned ?? [full]).Select(Path.GetFullPath).ToList();
            foreach (var path in paths.Append(full).Distinct(StringComparer.Ordinal))
            {
                AtomicFile.DeleteLeftovers(path);
            }
            if (isFolder)
            {
                AtomicFile.DeleteLeftoversWithin(full);
            }
            removeIncomplete?.Invoke();
            var existing = paths.FirstOrDefault(p => File.Exists(p) || (Directory.Exists(p) && Directory.EnumerateFileSystemEntries(p).Any()));
            if (existing is not null && !force)
            {
                throw new DiceUsageException(AlreadyExists(existing, keepHint));
            }
            return runLock;
        }
        catch
        {
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>The one message every verb gives for an output that exists.</summary>
    public static string AlreadyExists(string path, string? keepHint = null) =>
        keepHint is null
            ? $"{path} already exists: add --force to replace it, or choose another path"
            : $"{path} already exists: add {keepHint}, --force to replace it, or choose another path";
}
