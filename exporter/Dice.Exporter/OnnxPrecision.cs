namespace Dice.Exporter;

/// <summary>The floating type an exported graph computes in and stores its weights as.</summary>
public enum OnnxPrecision
{
    Float32,
    Float16,
}
