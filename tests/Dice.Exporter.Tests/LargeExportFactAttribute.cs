namespace Dice.Exporter.Tests;

/// <summary>A test that writes multi-gigabyte models: it runs only with DICE_LARGE_TESTS=1.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LargeExportFactAttribute : FactAttribute
{
    public LargeExportFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DICE_LARGE_TESTS") != "1")
        {
            Skip = "writes SD1.5-size models (GBs); set DICE_LARGE_TESTS=1 to run";
        }
    }
}
