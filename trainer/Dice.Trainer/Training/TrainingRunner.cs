using System.Diagnostics;

namespace Dice.Trainer.Training;

/// <summary>
/// The loop every Dice trainer shares: resume from the newest checkpoint, take steps, log each loss, report
/// progress, write checkpoints at the interval and at the end (and, when cancelled, at the last completed step).
/// What a step does is the trainer's business; it must draw all its randomness from the generators registered in
/// the <see cref="TrainingState"/> and pick its data by the step index, so that a resumed run is exact.
/// </summary>
public static class TrainingRunner
{
    /// <param name="state">What checkpoints hold.</param>
    /// <param name="options">Steps, checkpoints, loss log.</param>
    /// <param name="step">Takes one step; gets the 0-based index of the step (the number of steps completed before it).</param>
    /// <param name="metadata">Kept in every checkpoint's manifest.</param>
    /// <param name="progress">Told after every step.</param>
    /// <param name="checkpointFileWritten">Passed to <see cref="TrainingCheckpoint.FileWritten"/>.</param>
    /// <param name="cancellationToken">Checked before each step; on cancellation a checkpoint of the completed steps is written first.</param>
    public static TrainingRunResult Run(
        TrainingState state,
        TrainingRunOptions options,
        Func<long, TrainingStepResult> step,
        IReadOnlyDictionary<string, string>? metadata = null,
        IProgress<TrainingProgress>? progress = null,
        Action<string>? checkpointFileWritten = null,
        CancellationToken cancellationToken = default) =>
        Run(state, options, step, checkpointSaved: null, metadata, progress, checkpointFileWritten, cancellationToken);

    /// <summary>
    /// As the other overload, and calls <paramref name="checkpointSaved"/> after each checkpoint the run writes at
    /// the interval or after the last step, with the step and the checkpoint's folder (for work that goes with a
    /// checkpoint, such as validation images). It is not called for the checkpoint written on cancellation. What
    /// it does is outside the training state: it must not draw from the state's generators or change the models.
    /// </summary>
    public static TrainingRunResult Run(
        TrainingState state,
        TrainingRunOptions options,
        Func<long, TrainingStepResult> step,
        Action<long, string>? checkpointSaved,
        IReadOnlyDictionary<string, string>? metadata = null,
        IProgress<TrainingProgress>? progress = null,
        Action<string>? checkpointFileWritten = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(step);
        options.Validate();
        var checkpoints = options.CheckpointFolder is { } folder
            ? new TrainingCheckpoint(folder) { FileWritten = checkpointFileWritten }
            : null;
        long start = 0;
        if (options.Resume && checkpoints?.TryLoadLatest(state) is { } manifest)
        {
            start = manifest.Step;
        }
        using var log = options.LossLogPath is { } logPath ? LossLog.Open(logPath, start) : null;
        var losses = new List<TrainingStepLoss>();
        string? lastCheckpoint = null;
        var clock = Stopwatch.StartNew();
        long done = start;
        try
        {
            while (done < options.Steps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = step(done);
                done++;
                losses.Add(new TrainingStepLoss(done, result.Loss));
                log?.Append(done, result);
                var seconds = clock.Elapsed.TotalSeconds;
                progress?.Report(new TrainingProgress(done, options.Steps, result.Loss, seconds > 0 ? (done - start) / seconds : 0));
                var due = done == options.Steps || (options.CheckpointInterval > 0 && done % options.CheckpointInterval == 0);
                if (checkpoints is not null && due)
                {
                    lastCheckpoint = checkpoints.Save(state, done, metadata, options.KeepCheckpoints);
                    checkpointSaved?.Invoke(done, lastCheckpoint);
                }
            }
        }
        catch (OperationCanceledException)
        {
            if (checkpoints is not null && done > start && lastCheckpoint != Path.Combine(checkpoints.Folder, TrainingCheckpoint.FolderName(done)))
            {
                checkpoints.Save(state, done, metadata, options.KeepCheckpoints);
            }
            throw;
        }
        return new TrainingRunResult(start, done, losses, lastCheckpoint);
    }
}
