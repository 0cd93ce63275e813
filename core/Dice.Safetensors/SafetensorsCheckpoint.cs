using System.Diagnostics.CodeAnalysis;
using Dice.Core.IO;

namespace Dice.Safetensors;

/// <summary>
/// One set of tensors from either a single safetensors file or a sharded checkpoint (an index JSON plus
/// shard files). Disposing closes every shard.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    /// <summary>The file names <see cref="Open"/> looks for when given a directory; exactly one must exist.</summary>
    public static readonly IReadOnlyList<string> DirectoryFileNames =
    [
        "model.safetensors",
        "diffusion_pytorch_model.safetensors",
        "model.safetensors.index.json",
        "diffusion_pytorch_model.safetensors.index.json",
    ];

    private readonly SafetensorsFile[] _shards;
    private readonly Dictionary<string, SafetensorsFile> _fileByTensor;

    private SafetensorsCheckpoint(
        string filePath, SafetensorsIndex? index, SafetensorsFile[] shards, Dictionary<string, SafetensorsFile> fileByTensor,
        IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = filePath;
        Index = index;
        _shards = shards;
        _fileByTensor = fileByTensor;
        Metadata = metadata;
        Tensors = fileByTensor
            .Select(e => e.Value.GetTensor(e.Key))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The single file or index file that was opened.</summary>
    public string FilePath { get; }

    /// <summary>The index of a sharded checkpoint; null for a single file.</summary>
    public SafetensorsIndex? Index { get; }

    /// <summary>The open files: one for a single file, else one per shard in <see cref="SafetensorsIndex.ShardFiles"/> order.</summary>
    public IReadOnlyList<SafetensorsFile> Shards => _shards;

    /// <summary>The single file's "__metadata__", or the index's "metadata".</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Every tensor, sorted by name (ordinal). For a sharded checkpoint these are the tensors the weight map
    /// lists; shard tensors it does not list are left out.
    /// </summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>
    /// Opens a single .safetensors file, an index .json, or a directory holding exactly one of
    /// <see cref="DirectoryFileNames"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The path, or a directory's checkpoint file, does not exist.</exception>
    /// <exception cref="SafetensorsFormatException">A file or the index breaks the format, or a shard or tensor is missing.</exception>
    public static SafetensorsCheckpoint Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            fullPath = FindInDirectory(fullPath);
        }
        else if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"No safetensors checkpoint at '{fullPath}'.", fullPath);
        }

        if (fullPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return OpenIndex(fullPath);
        }
        var file = SafetensorsFile.Open(fullPath);
        var fileByTensor = file.Tensors.ToDictionary(t => t.Name, _ => file, StringComparer.Ordinal);
        return new SafetensorsCheckpoint(fullPath, index: null, [file], fileByTensor, file.Metadata);
    }

    public bool TryGetTensor(string name, [NotNullWhen(true)] out TensorInfo? tensor)
    {
        tensor = null;
        return _fileByTensor.TryGetValue(name, out var file) && file.TryGetTensor(name, out tensor);
    }

    /// <exception cref="KeyNotFoundException">The checkpoint has no such tensor.</exception>
    public TensorInfo GetTensor(string name) => FileOf(name).GetTensor(name);

    /// <summary>The file (shard) that holds a tensor.</summary>
    /// <exception cref="KeyNotFoundException">The checkpoint has no such tensor.</exception>
    public SafetensorsFile FileOf(string name) =>
        _fileByTensor.TryGetValue(name, out var file)
            ? file
            : throw new KeyNotFoundException($"{FilePath}: no tensor named '{name}'.");

    /// <inheritdoc cref="SafetensorsFile.GetSpan(string)"/>
    public ReadOnlySpan<byte> GetSpan(string name) => FileOf(name).GetSpan(name);

    /// <inheritdoc cref="SafetensorsFile.ReadBytes(string)"/>
    public byte[] ReadBytes(string name) => FileOf(name).ReadBytes(name);

    /// <inheritdoc cref="SafetensorsFile.ReadFloat32(string)"/>
    public float[] ReadFloat32(string name) => FileOf(name).ReadFloat32(name);

    /// <inheritdoc cref="SafetensorsFile.ReadFloat32(string, Span{float})"/>
    public void ReadFloat32(string name, Span<float> destination) => FileOf(name).ReadFloat32(name, destination);

    public void Dispose()
    {
        foreach (var shard in _shards)
        {
            shard.Dispose();
        }
    }

    public override string ToString() => $"{FilePath} ({Tensors.Count} tensors in {_shards.Length} files)";

    private static string FindInDirectory(string directory)
    {
        var found = DirectoryFileNames.Select(name => Path.Combine(directory, name)).Where(File.Exists).ToArray();
        return found.Length switch
        {
            1 => found[0],
            0 => throw new FileNotFoundException(
                $"Directory '{directory}' holds none of {string.Join(", ", DirectoryFileNames)}; pass the checkpoint file itself.", directory),
            _ => throw new ArgumentException(
                $"Directory '{directory}' holds several checkpoints ({string.Join(", ", found.Select(Path.GetFileName))}); pass the one to open.",
                nameof(directory)),
        };
    }

    private static SafetensorsCheckpoint OpenIndex(string indexPath)
    {
        var index = SafetensorsIndex.Read(indexPath);
        var directory = Path.GetDirectoryName(indexPath)!;
        var shardPaths = index.ShardFiles.Select(shard => ResolveShard(index, directory, shard)).ToArray();

        var shards = new List<SafetensorsFile>(shardPaths.Length);
        try
        {
            foreach (var shardPath in shardPaths)
            {
                shards.Add(SafetensorsFile.Open(shardPath));
            }
            var shardByName = index.ShardFiles.Zip(shards).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);

            var fileByTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var (tensor, shardName) in index.WeightMap.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var shard = shardByName[shardName];
                if (!shard.TryGetTensor(tensor, out _))
                {
                    throw new SafetensorsFormatException(indexPath, tensor,
                        $"the index maps this tensor to shard '{shardName}', but that shard does not contain it; the shard and index do not match.");
                }
                fileByTensor.Add(tensor, shard);
            }
            return new SafetensorsCheckpoint(indexPath, index, [.. shards], fileByTensor, index.Metadata);
        }
        catch
        {
            foreach (var shard in shards)
            {
                shard.Dispose();
            }
            throw;
        }
    }

    private static string ResolveShard(SafetensorsIndex index, string directory, string shard)
    {
        string shardPath;
        try
        {
            shardPath = ConfinedPath.Resolve(directory, shard, index.FilePath ?? directory, "weight_map shard");
        }
        catch (PathEscapeException e)
        {
            throw new SafetensorsFormatException(index.FilePath, null, $"shard '{shard}' lies outside the index's directory {e.Folder}: it {e.Reason}.", e);
        }
        if (!File.Exists(shardPath))
        {
            var count = index.WeightMap.Count(e => e.Value == shard);
            var example = index.WeightMap.Where(e => e.Value == shard).Select(e => e.Key).Min(StringComparer.Ordinal);
            throw new SafetensorsFormatException(index.FilePath, null,
                $"shard file '{shard}' is missing (expected at '{shardPath}'); the index maps {count} tensor(s) to it, e.g. '{example}'. Download the missing shard.");
        }
        return shardPath;
    }
}
