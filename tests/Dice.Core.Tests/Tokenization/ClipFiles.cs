using System.Text.Json;
using Dice.Core.Tokenization;

namespace Dice.Core.Tests.Tokenization;

/// <summary>The real CLIP ViT-L/14 tokenizer files in the repository, and small hand-made tokenizer folders.</summary>
internal static class ClipFiles
{
    /// <summary>onnx-models/tokenizers/clip-vit-l14 under the folder that holds Dice.sln.</summary>
    public static string Folder { get; } = Path.Combine(RepositoryRoot(), "onnx-models", "tokenizers", "clip-vit-l14");

    private static readonly Lazy<ClipTokenizer> SharedTokenizer = new(() => ClipTokenizer.Load(Folder));
    private static readonly Lazy<Dictionary<string, int>> SharedVocabulary = new(() =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(Folder, "vocab.json")))!);

    /// <summary>One tokenizer for the tests that only read from it.</summary>
    public static ClipTokenizer Tokenizer => SharedTokenizer.Value;

    /// <summary>vocab.json read independently of the tokenizer.</summary>
    public static IReadOnlyDictionary<string, int> Vocabulary => SharedVocabulary.Value;

    /// <summary>The id vocab.json gives <paramref name="token"/>; fails the test when it is not there.</summary>
    public static int Id(string token)
    {
        Assert.True(Vocabulary.TryGetValue(token, out var id), $"\"{token}\" is not in vocab.json");
        return id;
    }

    /// <summary>Copies the real vocab.json and merges.txt (only) into <paramref name="directory"/>.</summary>
    public static void CopyVocabularyAndMerges(TempDirectory directory)
    {
        File.Copy(Path.Combine(Folder, "vocab.json"), directory.File("vocab.json"));
        File.Copy(Path.Combine(Folder, "merges.txt"), directory.File("merges.txt"));
    }

    /// <summary>Writes a tiny tokenizer: the given symbols (ids in order) plus the two CLIP special tokens, and merges.</summary>
    public static void WriteTiny(TempDirectory directory, string[] symbols, string[] merges)
    {
        var vocabulary = symbols.Append(ClipTokenizer.DefaultBosToken).Append(ClipTokenizer.DefaultEosToken)
            .Select((token, id) => (token, id))
            .ToDictionary(p => p.token, p => p.id);
        File.WriteAllText(directory.File("vocab.json"), JsonSerializer.Serialize(vocabulary));
        File.WriteAllLines(directory.File("merges.txt"), merges.Prepend("#version: 0.2"));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Dice.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds Dice.sln");
    }
}
