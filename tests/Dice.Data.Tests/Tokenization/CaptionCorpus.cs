using Dice.Data.Tokenization;
using Dice.Core.Tokenization;

namespace Dice.Data.Tests.Tokenization;

/// <summary>Synthetic captions like dice-mini's, generated from word lists, and a corpus learned once for the tests.</summary>
internal static class CaptionCorpus
{
    public static readonly string[] Sizes = ["small", "large", "tiny", "big"];
    public static readonly string[] Colors = ["red", "green", "blue", "yellow", "purple", "cyan", "white", "black"];
    public static readonly string[] Shapes = ["circle", "square", "triangle"];
    public static readonly string[] Positions = ["on the left", "on the right", "at the top", "at the bottom", "in the centre"];
    public static readonly string[] Relations = ["above", "below", "left of", "right of", "next to"];
    public static readonly string[] Counts = ["two", "three", "four"];

    private static readonly Lazy<string[]> SharedCaptions = new(() => Generate(400, seed: 7));
    private static readonly Lazy<LearnedBpe> SharedLearned = new(() => BpeTrainer.Learn(Captions, BpeTrainer.DiceMiniVocabSize));

    /// <summary>400 captions, the same on every run.</summary>
    public static IReadOnlyList<string> Captions => SharedCaptions.Value;

    /// <summary>The corpus learned with the dice-mini vocabulary size (1,000).</summary>
    public static LearnedBpe Learned => SharedLearned.Value;

    /// <summary>Every distinct word of <see cref="Captions"/> after pre-tokenisation.</summary>
    public static IReadOnlyList<string> Words() =>
        Captions.SelectMany(ClipPreTokenizer.Words).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    public static string[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        var captions = new string[count];
        for (var i = 0; i < count; i++)
        {
            string Pick(string[] words) => words[random.Next(words.Length)];
            captions[i] = (i % 4) switch
            {
                0 => $"a {Pick(Sizes)} {Pick(Colors)} {Pick(Shapes)} {Pick(Positions)} on a {Pick(Colors)} background",
                1 => $"{Pick(Colors)} background, {Pick(Sizes)} {Pick(Colors)} {Pick(Shapes)} {Pick(Relations)} a {Pick(Colors)} {Pick(Shapes)}",
                2 => $"{Pick(Counts)} {Pick(Colors)} {Pick(Shapes)}s {Pick(Positions)}, {Pick(Colors)} background",
                _ => $"A {Pick(Colors).ToUpperInvariant()} {Pick(Shapes)} {Pick(Relations)} the {Pick(Sizes)} {Pick(Shapes)}.",
            };
        }
        return captions;
    }
}
