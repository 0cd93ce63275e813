namespace Dice.Exporter;

/// <summary>The metadata_props keys Dice writes into exported models.</summary>
public static class OnnxMetadataKeys
{
    public const string Component = "dice.component";
    public const string Config = "dice.config";
    public const string Precision = "dice.precision";
}
