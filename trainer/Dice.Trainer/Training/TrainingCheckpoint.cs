using System.Globalization;
using System.Text;
using Dice.Core.IO;
using TorchSharp;

namespace Dice.Trainer.Training;

/// <summary>
/// Checkpoints of a <see cref="TrainingState"/> in a folder: one sub-folder "step-000000123" per checkpoint holding
/// each model's parameters, each optimizer's state, the generator states and a <see cref="CheckpointManifest"/>.
/// </summary>
/// <remarks>
/// A checkpoint is written into a hidden staging folder (".staging-…") beside the others, the manifest last, and is
/// renamed into place only once complete; a process that dies mid-write leaves at most a staging folder, which
/// loading ignores and the next save removes. So the previous checkpoint always stays loadable. Loading puts back
/// parameters, optimizer moments and step counts and generator states bit for bit, so a resumed run continues
/// exactly as an uninterrupted one would (on the CPU, where libtorch is deterministic).
/// </remarks>
public sealed class TrainingCheckpoint
{
    private const string Prefix = "step-";
    private const string StagingPrefix = ".staging-";
    private const string RetiredPrefix = ".retired-";
    private const string GeneratorsFileName = "generators.safetensors";

    /// <summary><see cref="FaultInjection"/> points: after each file written into a checkpoint's staging folder; after a checkpoint is in place.</summary>
    public const string MidWriteKillPoint = "checkpoint.mid-write";
    public const string SavedKillPoint = "checkpoint.saved";

    public TrainingCheckpoint(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
    }

    /// <summary>The folder holding the checkpoint folders.</summary>
    public string Folder { get; }

    /// <summary>
    /// Called with each file's path right after it is written into the staging folder. For logging and for tests that
    /// simulate a crash mid-write (by throwing).
    /// </summary>
    public Action<string>? FileWritten { get; init; }

    /// <summary>The folder name of the checkpoint at <paramref name="step"/>.</summary>
    public static string FolderName(long step) => Prefix + step.ToString("D9", CultureInfo.InvariantCulture);

    /// <summary>Complete checkpoints, oldest first: (step, folder).</summary>
    public IReadOnlyList<(long Step, string Path)> List()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }
        var found = new List<(long, string)>();
        foreach (var dir in Directory.EnumerateDirectories(Folder, Prefix + "*"))
        {
            var name = Path.GetFileName(dir);
            if (long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
                && File.Exists(Path.Combine(dir, CheckpointManifest.FileName)))
            {
                found.Add((step, dir));
            }
        }
        return found.OrderBy(f => f.Item1).ToList();
    }

    /// <summary>The newest complete checkpoint, or null.</summary>
    public (long Step, string Path)? Latest()
    {
        var all = List();
        return all.Count == 0 ? null : all[^1];
    }

    /// <summary>
    /// Writes a checkpoint of <paramref name="state"/> at <paramref name="step"/> and returns its folder; then deletes
    /// all but the newest <paramref name="keep"/> checkpoints. A checkpoint already at that step is replaced.
    /// </summary>
    public string Save(TrainingState state, long step, IReadOnlyDictionary<string, string>? metadata = null, int keep = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        Directory.CreateDirectory(Folder);
        RemoveLeftovers();
        var staging = Path.Combine(Folder, StagingPrefix + FolderName(step) + "-" + Guid.NewGuid().ToString("N"));
        var target = Path.Combine(Folder, FolderName(step));
        Directory.CreateDirectory(staging);
        try
        {
            var manifest = new CheckpointManifest
            {
                Step = step,
                Metadata = metadata?.ToDictionary(StringComparer.Ordinal) ?? [],
            };
            foreach (var (name, model) in state.Models)
            {
                var file = $"model.{name}.safetensors";
                model.Save(Path.Combine(staging, file));
                Written(Path.Combine(staging, file));
                manifest.Models[name] = file;
            }
            foreach (var (name, optimizer) in state.Optimizers)
            {
                var file = $"optimizer.{name}.safetensors";
                var dict = AdamWState.Save(optimizer);
                try
                {
                    TensorFile.Save(Path.Combine(staging, file), dict);
                }
                finally
                {
                    foreach (var t in dict.Values)
                    {
                        t.Dispose();
                    }
                }
                Written(Path.Combine(staging, file));
                manifest.Optimizers[name] = file;
            }
            if (state.Generators.Count > 0)
            {
                var states = state.Generators.Select(g => new KeyValuePair<string, torch.Tensor>(g.Name, g.Generator.get_state().DetachFromDisposeScope())).ToList();
                try
                {
                    TensorFile.Save(Path.Combine(staging, GeneratorsFileName), states);
                }
                finally
                {
                    foreach (var (_, t) in states)
                    {
                        t.Dispose();
                    }
                }
                Written(Path.Combine(staging, GeneratorsFileName));
                manifest.Generators.AddRange(state.Generators.Select(g => g.Name));
                manifest = manifest with { GeneratorsFile = GeneratorsFileName };
            }
            var manifestPath = Path.Combine(staging, CheckpointManifest.FileName);
            WriteDurably(manifestPath, manifest.ToJson());
            Written(manifestPath);
            Publish(staging, target);
            FaultInjection.Reached(SavedKillPoint);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
        Prune(keep);
        return target;
    }

    /// <summary>Loads the newest complete checkpoint into <paramref name="state"/>; returns its manifest, or null if there is none.</summary>
    public CheckpointManifest? TryLoadLatest(TrainingState state)
    {
        var latest = Latest();
        return latest is { } l ? Load(state, l.Path) : null;
    }

    /// <summary>
    /// Loads the checkpoint in <paramref name="checkpointFolder"/> into <paramref name="state"/>. Every model,
    /// optimizer and generator of the state must be in the checkpoint and the other way round.
    /// </summary>
    public static CheckpointManifest Load(TrainingState state, string checkpointFolder)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(checkpointFolder);
        var manifestPath = Path.Combine(checkpointFolder, CheckpointManifest.FileName);
        var manifest = CheckpointManifest.FromJson(File.ReadAllText(manifestPath, Encoding.UTF8), manifestPath);
        CheckSameNames("models", state.Models.Select(m => m.Name), manifest.Models.Keys, manifestPath);
        CheckSameNames("optimizers", state.Optimizers.Select(o => o.Name), manifest.Optimizers.Keys, manifestPath);
        CheckSameNames("generators", state.Generators.Select(g => g.Name), manifest.Generators, manifestPath);
        foreach (var (name, model) in state.Models)
        {
            WithTensors(Path.Combine(checkpointFolder, manifest.Models[name]), model.LoadStateDict);
        }
        foreach (var (name, optimizer) in state.Optimizers)
        {
            WithTensors(Path.Combine(checkpointFolder, manifest.Optimizers[name]), state => AdamWState.Load(optimizer, state));
        }
        if (state.Generators.Count > 0)
        {
            WithTensors(Path.Combine(checkpointFolder, manifest.GeneratorsFile ?? GeneratorsFileName), states =>
            {
                foreach (var (name, generator) in state.Generators)
                {
                    generator.set_state(states[name]);
                }
            });
        }
        return manifest;
    }

    private static void WithTensors(string path, Action<IReadOnlyDictionary<string, torch.Tensor>> use)
    {
        var tensors = TensorFile.Load(path);
        try
        {
            use(tensors);
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    private static void CheckSameNames(string kind, IEnumerable<string> expected, IEnumerable<string> actual, string source)
    {
        var e = expected.Order(StringComparer.Ordinal).ToList();
        var a = actual.Order(StringComparer.Ordinal).ToList();
        if (!e.SequenceEqual(a, StringComparer.Ordinal))
        {
            throw new InvalidDataException(
                $"{source}: the checkpoint holds {kind} [{string.Join(", ", a)}] but the trainer has [{string.Join(", ", e)}]");
        }
    }

    private void Written(string path)
    {
        FileWritten?.Invoke(path);
        FaultInjection.Reached(MidWriteKillPoint);
    }

    private static void WriteDurably(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        var bytes = new UTF8Encoding(false).GetBytes(text);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private void Publish(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        // Replacing a checkpoint of the same step: move the old one aside first, so a complete one is always there
        // under one of the two names.
        var retired = Path.Combine(Folder, RetiredPrefix + Path.GetFileName(target) + "-" + Guid.NewGuid().ToString("N"));
        Directory.Move(target, retired);
        Directory.Move(staging, target);
        TryDelete(retired);
    }

    private void Prune(int keep)
    {
        var all = List();
        for (var i = 0; i < all.Count - keep; i++)
        {
            TryDelete(all[i].Path);
        }
    }

    /// <summary>Staging and retired folders left by a process that died mid-write.</summary>
    private void RemoveLeftovers()
    {
        foreach (var dir in Directory.EnumerateDirectories(Folder, StagingPrefix + "*")
                     .Concat(Directory.EnumerateDirectories(Folder, RetiredPrefix + "*")).ToList())
        {
            TryDelete(dir);
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
            // Left for the next save to clean up.
        }
        catch (UnauthorizedAccessException)
        {
            // Left for the next save to clean up.
        }
    }
}
