using Dice.Data;
using Dice.Data.Tokenization;
using Dice.Models.Clip;

namespace Dice.Trainer.Tests.Teacher;

/// <summary>A CLIP tokenizer learned on a few hundred generated captions, in a temp folder, shared by a test class.</summary>
public sealed class TokenizerFixture : IDisposable
{
    public const int MaxLength = 24;

    private readonly TempDirectory temp = new();

    public TokenizerFixture()
    {
        var captions = new DatasetGenerator(DiceMiniSplits.TrainSeed).DescribeRange(300).Select(s => s.Caption).ToList();
        var learned = BpeTrainer.Learn(captions, 600);
        Folder = BpeTokenizerFiles.Write(Path.Combine(temp.Path, "tokenizer"), learned,
            new BpeTokenizerFileOptions { ModelMaxLength = MaxLength });
        VocabSize = learned.Vocabulary.Count;
    }

    public string Folder { get; }

    public int VocabSize { get; }

    /// <summary>A 2-layer CLIP text encoder of width 16 (the tiny UNet's cross-attention width).</summary>
    public ClipTextConfig TextEncoder => new()
    {
        VocabSize = VocabSize,
        HiddenSize = 16,
        IntermediateSize = 32,
        NumHiddenLayers = 2,
        NumAttentionHeads = 2,
        MaxPositionEmbeddings = MaxLength,
    };

    public void Dispose() => temp.Dispose();
}
