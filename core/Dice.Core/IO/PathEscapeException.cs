namespace Dice.Core.IO;

/// <summary>
/// A path read from a file (ONNX external data, a dataset's file_name, a shard index) leads outside the folder it must
/// stay in: absolute, through '..', or through a symbolic link that points elsewhere.
/// </summary>
public sealed class PathEscapeException : IOException
{
    public PathEscapeException(string file, string field, string path, string folder, string how)
        : base($"{file}: {field} '{path}' {how}, outside {folder}; only files inside that folder are read: " +
            $"move the file into {folder} and name it by a path relative to it")
    {
        SourceFile = file;
        Field = field;
        EscapingPath = path;
        Folder = folder;
        Reason = how;
    }

    /// <summary>The file the path was read from.</summary>
    public string SourceFile { get; }

    /// <summary>What the path is in that file (e.g. "external data location").</summary>
    public string Field { get; }

    /// <summary>The path as the file states it.</summary>
    public string EscapingPath { get; }

    /// <summary>The folder it had to stay in.</summary>
    public string Folder { get; }

    /// <summary>How it leaves the folder ("is an absolute path", "steps up with '..'", …).</summary>
    public string Reason { get; }
}
