using Dice.Runtime.Pipelines;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>The four ways the suites sample: UNet calls per step and their batch for N images.</summary>
public enum GuidanceMode
{
    /// <summary>One call of batch N per step, the plain embedding (guidance 1).</summary>
    Unguided,

    /// <summary>CFG as one call of batch 2N per step ([uncond; cond]).</summary>
    CfgBatched,

    /// <summary>CFG as two calls of batch N per step.</summary>
    CfgSequential,

    /// <summary>One call of batch N per step with the DICE-sharpened embedding (text_encoder_dice).</summary>
    Dice,
}

public static class GuidanceModes
{
    /// <summary>CFG's guidance scale in the suites (the value does not change the cost).</summary>
    public const double CfgScale = 7.5;

    /// <summary>The name the report and the JSON use.</summary>
    public static string Label(this GuidanceMode mode) => mode switch
    {
        GuidanceMode.Unguided => "unguided",
        GuidanceMode.CfgBatched => "cfg-batched",
        GuidanceMode.CfgSequential => "cfg-sequential",
        GuidanceMode.Dice => "dice",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>The mode of a label or an enum name (BenchmarkDotNet's parameter value), any case.</summary>
    public static GuidanceMode Parse(string label)
    {
        foreach (var mode in Enum.GetValues<GuidanceMode>())
        {
            if (string.Equals(mode.Label(), label, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(mode.ToString(), label, StringComparison.OrdinalIgnoreCase))
            {
                return mode;
            }
        }
        throw new ArgumentException($"unknown mode '{label}'", nameof(label));
    }

    /// <summary>The runtime request for <paramref name="mode"/> (prompt, steps and size are filled in by the caller).</summary>
    public static GenerationRequest Apply(this GuidanceMode mode, GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return mode switch
        {
            GuidanceMode.Unguided => request with { Mode = GenerationMode.Unguided, GuidanceScale = 1, CfgSequential = false },
            GuidanceMode.CfgBatched => request with { Mode = GenerationMode.Cfg, GuidanceScale = CfgScale, CfgSequential = false },
            GuidanceMode.CfgSequential => request with { Mode = GenerationMode.Cfg, GuidanceScale = CfgScale, CfgSequential = true },
            GuidanceMode.Dice => request with { Mode = GenerationMode.Dice, GuidanceScale = 1, Alpha = 1, CfgSequential = false },
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
        };
    }
}
