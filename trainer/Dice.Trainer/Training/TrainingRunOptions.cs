namespace Dice.Trainer.Training;

/// <summary>How long a training run goes and where it keeps its checkpoints and loss log.</summary>
public sealed record TrainingRunOptions
{
    /// <summary>Steps the run has completed when it ends (a resumed run counts the steps before the resume).</summary>
    public long Steps { get; init; } = 1000;

    /// <summary>Folder of the checkpoints (one sub-folder per checkpoint); null for none.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>A checkpoint every this many steps (and always after the last step); 0 for only after the last.</summary>
    public long CheckpointInterval { get; init; }

    /// <summary>Checkpoints kept; older ones are deleted once a newer one is complete. At least 1.</summary>
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>Continue from the newest checkpoint in <see cref="CheckpointFolder"/> when there is one.</summary>
    public bool Resume { get; init; }

    /// <summary>A JSON-lines file getting one line per step ({"step":…,"loss":…}); null for none.</summary>
    public string? LossLogPath { get; init; }

    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (Steps < 0)
        {
            throw new ArgumentException($"steps must not be negative, got {Steps}");
        }
        if (CheckpointInterval < 0)
        {
            throw new ArgumentException($"checkpoint interval must not be negative, got {CheckpointInterval}");
        }
        if (KeepCheckpoints < 1)
        {
            throw new ArgumentException($"at least one checkpoint must be kept, got {KeepCheckpoints}");
        }
        if (Resume && CheckpointFolder is null)
        {
            throw new ArgumentException("resume needs a checkpoint folder");
        }
    }
}
