namespace Dice.Data.Tokenization;

/// <summary>
/// One learned merge: the adjacent symbols <paramref name="Left"/> and <paramref name="Right"/> become the symbol
/// <see cref="Result"/>. <paramref name="Frequency"/> is how many times the pair occurred in the corpus (words
/// weighted by their counts) when it was chosen.
/// </summary>
public readonly record struct BpeMerge(string Left, string Right, long Frequency)
{
    /// <summary>The merged symbol, the vocabulary entry the merge adds.</summary>
    public string Result => Left + Right;

    /// <summary>The merges.txt line: "Left Right".</summary>
    public override string ToString() => Left + " " + Right;
}
