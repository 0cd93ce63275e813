using System.Globalization;
using System.Text;
using Dice.Core.IO;

namespace Dice.Trainer.Training;

/// <summary>
/// A JSON-lines loss log, one line per step, appended and flushed as training goes:
/// <c>{"step":12,"loss":0.0531,"reconstruction":0.05,"kl":31.2}</c>. Numbers are written round-trip ("R"), so the log
/// holds the exact losses. Opening it for a resumed run drops the lines after the resume step, so the log reads as
/// one uninterrupted run.
/// </summary>
public sealed class LossLog : IDisposable
{
    /// <summary>The <see cref="FaultInjection"/> point halfway through writing a line.</summary>
    public const string MidLineKillPoint = "loss-log.mid-line";

    private readonly StreamWriter writer;

    private LossLog(string path, StreamWriter writer)
    {
        Path = path;
        this.writer = writer;
    }

    public string Path { get; }

    /// <summary>Opens the log, keeping the lines of steps ≤ <paramref name="keepThroughStep"/> (0: start empty).</summary>
    public static LossLog Open(string path, long keepThroughStep)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var kept = new List<string>();
        if (keepThroughStep > 0 && File.Exists(full))
        {
            kept.AddRange(File.ReadAllLines(full, Encoding.UTF8).Where(line => StepOf(line) is { } s && s <= keepThroughStep));
        }
        var stream = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.Read);
        var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
        foreach (var line in kept)
        {
            writer.WriteLine(line);
        }
        writer.Flush();
        return new LossLog(full, writer);
    }

    public void Append(long step, TrainingStepResult result)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{{\"step\":{step},\"loss\":{Number(result.Loss)}");
        foreach (var (name, value) in result.Parts ?? new Dictionary<string, double>())
        {
            line.Append(",\"");
            line.Append(name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal));
            line.Append("\":");
            line.Append(Number(value));
        }
        line.Append('}');
        // Written in two halves so that a kill point can fall inside a line, as a crash mid-write would.
        var text = line.ToString();
        writer.Write(text.AsSpan(0, text.Length / 2));
        writer.Flush();
        FaultInjection.Reached(MidLineKillPoint);
        writer.WriteLine(text.AsSpan(text.Length / 2));
        writer.Flush();
    }

    /// <summary>The (step, loss) pairs of a log file.</summary>
    public static IReadOnlyList<TrainingStepLoss> Read(string path)
    {
        var result = new List<TrainingStepLoss>();
        foreach (var line in File.ReadAllLines(path, Encoding.UTF8))
        {
            if (line.Length == 0)
            {
                continue;
            }
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            var loss = doc.RootElement.GetProperty("loss");
            result.Add(new TrainingStepLoss(doc.RootElement.GetProperty("step").GetInt64(),
                loss.ValueKind == System.Text.Json.JsonValueKind.String ? double.NaN : loss.GetDouble()));
        }
        return result;
    }

    public void Dispose() => writer.Dispose();

    // JSON has no NaN or infinity: a diverged loss is written as a string.
    private static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : $"\"{value.ToString(CultureInfo.InvariantCulture)}\"";

    private static long? StepOf(string line)
    {
        const string key = "{\"step\":";
        // A line cut short by a crash is not a step's record.
        if (!line.StartsWith(key, StringComparison.Ordinal) || !line.EndsWith('}'))
        {
            return null;
        }
        var end = line.IndexOf(',', key.Length);
        return end > 0 && long.TryParse(line.AsSpan(key.Length, end - key.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? s
            : null;
    }
}
