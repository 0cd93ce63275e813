namespace Dice.Evaluation.Plots;

/// <summary>The filled shape drawn at each data point of a series.</summary>
public enum PlotMarker
{
    Circle,
    Square,
    Triangle,
    Diamond,
}
