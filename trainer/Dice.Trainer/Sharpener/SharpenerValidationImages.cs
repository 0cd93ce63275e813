using Dice.Core.Images;

namespace Dice.Trainer.Sharpener;

/// <summary>
/// One validation sample of every prompt in the three modes, in prompt order: unguided ε(x, c), CFG
/// ε(x, c_null) + w·(ε(x, c) − ε(x, c_null)) and DICE ε(x, c + α·r(c, c_null)). Row i of every mode starts from the
/// same noise.
/// </summary>
public sealed record SharpenerValidationImages(IReadOnlyList<RgbImage> Unguided, IReadOnlyList<RgbImage> Cfg, IReadOnlyList<RgbImage> Dice)
{
    /// <summary>The modes as the grid's columns, left to right.</summary>
    public IReadOnlyList<IReadOnlyList<RgbImage>> Columns => [Unguided, Cfg, Dice];
}
