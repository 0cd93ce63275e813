namespace Dice.Models;

/// <summary>Dotted state-dict names ("down_blocks.0.resnets.1").</summary>
public static class ParameterName
{
    public static string Join(string prefix, string name) =>
        prefix.Length == 0 ? name : name.Length == 0 ? prefix : $"{prefix}.{name}";

    public static string Join(string prefix, int index) =>
        Join(prefix, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
