using System.Globalization;
using static TorchSharp.torch;

namespace Dice.Trainer.Training;

/// <summary>
/// <see cref="AdamW"/>'s state in Dice's checkpoint format: "step" (a float64 scalar) and, for every parameter N (in the
/// optimizer's order) that has taken a step, its moments "exp_avg.N" and "exp_avg_sq.N". The format predates TorchSharp,
/// so earlier checkpoints load unchanged. AdamW counts steps per parameter, as PyTorch does; in Dice every trained
/// parameter steps together, so one count serves all, and a parameter without moments (never stepped) restarts at 0.
/// </summary>
public static class AdamWState
{
    public const string StepKey = "step";

    /// <summary>Copies of the state (the caller disposes them).</summary>
    /// <exception cref="InvalidOperationException">The parameters have taken different numbers of steps.</exception>
    public static Dictionary<string, Tensor> Save(AdamW optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var states = States(optimizer);
        var steps = states.Select(s => s.Step).Where(s => s > 0).Distinct().ToList();
        if (steps.Count > 1)
        {
            throw new InvalidOperationException(
                $"the optimizer's parameters have taken different numbers of steps ({string.Join(", ", steps)}); Dice's optimizer state holds one");
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            result[StepKey] = tensor((double)(steps.Count == 0 ? 0 : steps[0]), float64).DetachFromDisposeScope();
            for (var i = 0; i < states.Count; i++)
            {
                if (states[i].Step > 0)
                {
                    var key = i.ToString(CultureInfo.InvariantCulture);
                    result[$"exp_avg.{key}"] = states[i].Average.detach().clone().DetachFromDisposeScope();
                    result[$"exp_avg_sq.{key}"] = states[i].Squares.detach().clone().DetachFromDisposeScope();
                }
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values)
            {
                t.Dispose();
            }
            throw;
        }
    }

    /// <summary>
    /// Puts <paramref name="state"/> (as <see cref="Save"/> writes it) into <paramref name="optimizer"/>, bit for bit.
    /// Checked first: a missing step, a parameter with one moment, a moment of the wrong shape or an unknown name is an
    /// <see cref="InvalidDataException"/> and changes nothing.
    /// </summary>
    public static void Load(AdamW optimizer, IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        if (!state.TryGetValue(StepKey, out var stepTensor))
        {
            throw new InvalidDataException("the optimizer state has no 'step' entry");
        }
        var step = checked((long)Scalar(stepTensor));
        var states = States(optimizer);
        var parameters = optimizer.parameters().ToList();
        var moments = new (Tensor Average, Tensor Squares)?[states.Count];
        var known = new HashSet<string>(StringComparer.Ordinal) { StepKey };
        for (var i = 0; i < states.Count; i++)
        {
            var key = i.ToString(CultureInfo.InvariantCulture);
            known.Add($"exp_avg.{key}");
            known.Add($"exp_avg_sq.{key}");
            var hasAverage = state.TryGetValue($"exp_avg.{key}", out var average);
            var hasSquares = state.TryGetValue($"exp_avg_sq.{key}", out var squares);
            if (hasAverage != hasSquares)
            {
                throw new InvalidDataException($"the optimizer state for parameter {key} has only one of its two moments");
            }
            if (!hasAverage)
            {
                continue;
            }
            foreach (var moment in new[] { average!, squares! })
            {
                if (!moment.shape.SequenceEqual(parameters[i].shape))
                {
                    throw new InvalidDataException(
                        $"the optimizer state for parameter {key} is [{string.Join(", ", moment.shape)}], the parameter [{string.Join(", ", parameters[i].shape)}]");
                }
            }
            moments[i] = (average!, squares!);
        }
        var unknown = state.Keys.Where(k => !known.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException(
                $"the optimizer state has entries for no parameter of this optimizer ({states.Count} parameters): {string.Join(", ", unknown)}");
        }
        using (no_grad())
        {
            for (var i = 0; i < states.Count; i++)
            {
                if (moments[i] is { } m)
                {
                    states[i].Average.copy_(m.Average);
                    states[i].Squares.copy_(m.Squares);
                    states[i].Step = step;
                }
                else
                {
                    states[i].Average.zero_();
                    states[i].Squares.zero_();
                    states[i].Step = 0;
                }
            }
        }
    }

    private static IReadOnlyList<AdamW.ParameterState> States(AdamW optimizer) => optimizer.States;

    private static double Scalar(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.to(float64).cpu().item<double>();
    }
}
