using System.Text;
using Dice.Safetensors;

namespace Dice.Models.Weights;

/// <summary>
/// A checkpoint does not fit a model. Every problem is listed at once: parameters the checkpoint lacks, tensors the
/// model does not have, shapes that differ, and conflicts (a parameter given twice, a tensor of a non-float dtype).
/// </summary>
public sealed class CheckpointMismatchException : Exception
{
    public CheckpointMismatchException()
        : this("the checkpoint does not match the model")
    {
    }

    public CheckpointMismatchException(string message)
        : base(message)
    {
        CheckpointPath = "";
    }

    public CheckpointMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        CheckpointPath = "";
    }

    public CheckpointMismatchException(string checkpointPath, IReadOnlyList<ParameterSpec> missing, IReadOnlyList<TensorInfo> unexpected,
        IReadOnlyList<ShapeMismatch> shapeMismatches, IReadOnlyList<string> conflicts, int matched)
        : base(Describe(checkpointPath, missing, unexpected, shapeMismatches, conflicts, matched))
    {
        CheckpointPath = checkpointPath;
        Missing = missing;
        Unexpected = unexpected;
        ShapeMismatches = shapeMismatches;
        Conflicts = conflicts;
    }

    /// <summary>The checkpoint file (or index) that was checked.</summary>
    public string CheckpointPath { get; }

    /// <summary>Model parameters no checkpoint tensor provides.</summary>
    public IReadOnlyList<ParameterSpec> Missing { get; } = [];

    /// <summary>Checkpoint tensors that fill no model parameter.</summary>
    public IReadOnlyList<TensorInfo> Unexpected { get; } = [];

    public IReadOnlyList<ShapeMismatch> ShapeMismatches { get; } = [];

    /// <summary>Other problems, one sentence each.</summary>
    public IReadOnlyList<string> Conflicts { get; } = [];

    private static string Describe(string checkpointPath, IReadOnlyList<ParameterSpec> missing, IReadOnlyList<TensorInfo> unexpected,
        IReadOnlyList<ShapeMismatch> shapeMismatches, IReadOnlyList<string> conflicts, int matched)
    {
        ArgumentNullException.ThrowIfNull(missing);
        ArgumentNullException.ThrowIfNull(unexpected);
        ArgumentNullException.ThrowIfNull(shapeMismatches);
        ArgumentNullException.ThrowIfNull(conflicts);
        var counts = new List<string>();
        void Count(int n, string what)
        {
            if (n > 0)
            {
                counts.Add($"{n} {what}");
            }
        }
        Count(missing.Count, "missing");
        Count(unexpected.Count, "unexpected");
        Count(shapeMismatches.Count, "of the wrong shape");
        Count(conflicts.Count, conflicts.Count == 1 ? "conflict" : "conflicts");

        var text = new StringBuilder();
        text.Append($"checkpoint '{checkpointPath}' does not match the model ({string.Join(", ", counts)}).");
        if (matched == 0 && missing.Count > 0 && unexpected.Count > 0)
        {
            text.Append(" No tensor name matches at all: is it another component's checkpoint, or are its names prefixed differently?");
        }
        void Section(string title, IEnumerable<string> lines)
        {
            var list = lines.ToList();
            if (list.Count == 0)
            {
                return;
            }
            text.Append('\n').Append("  ").Append(title).Append(':');
            foreach (var line in list)
            {
                text.Append('\n').Append("    ").Append(line);
            }
        }
        Section("missing (the model declares them, the checkpoint lacks them)", missing.Select(p => $"{p.Name} {ShapeText.Format(p.Shape)}"));
        Section("unexpected (in the checkpoint, not in the model)", unexpected.Select(t => $"{t.Name} {t.DType.ToHeaderName()} {ShapeText.Format(t.Shape)}"));
        Section("wrong shape", shapeMismatches.Select(m => m.ToString()));
        Section("conflicts", conflicts);
        return text.ToString();
    }
}
