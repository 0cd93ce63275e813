using System.Text.Json;

namespace Dice.Core.Tokenization;

/// <summary>What a Hugging Face CLIP tokenizer folder holds, read and checked.</summary>
/// <param name="Merges">merges.txt's pairs ("left right") in rank order, each pair once.</param>
internal sealed record ClipTokenizerData(
    Dictionary<string, int> Vocabulary,
    List<string> Merges,
    int BosId,
    int EosId,
    int PadId,
    string UnkToken,
    int UnkId,
    int MaxLength);

/// <summary>
/// Reads vocab.json, merges.txt and the optional tokenizer_config.json / special_tokens_map.json. Every error
/// names the file (and line) it comes from.
/// </summary>
internal static class ClipTokenizerFiles
{
    public const string VocabFile = "vocab.json";
    public const string MergesFile = "merges.txt";
    public const string ConfigFile = "tokenizer_config.json";
    public const string SpecialTokensFile = "special_tokens_map.json";

    /// <summary>
    /// model_max_length values above this are Hugging Face's "no limit" sentinel (1e30), not a sequence length; the
    /// default is used instead.
    /// </summary>
    private const long LargestMaxLength = 1 << 20;

    public static ClipTokenizerData Read(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"tokenizer folder {root} does not exist");
        }
        var vocabPath = Path.Combine(root, VocabFile);
        var mergesPath = Path.Combine(root, MergesFile);
        var vocabulary = RefusingUndecodableStrings(vocabPath, () => ReadVocabulary(vocabPath));
        var merges = ReadMerges(mergesPath, vocabulary, vocabPath);

        // tokenizer_config.json wins over special_tokens_map.json; both fall back to CLIP's defaults.
        var settings = new Settings();
        foreach (var file in new[] { SpecialTokensFile, ConfigFile })
        {
            var path = Path.Combine(root, file);
            RefusingUndecodableStrings(path, () => ReadSettings(path, settings));
        }

        settings.Bos ??= (ClipTokenizer.DefaultBosToken, "the default");
        settings.Eos ??= (ClipTokenizer.DefaultEosToken, "the default");
        settings.Pad ??= (settings.Eos.Value.Token, "the default (pad = eos)");
        settings.Unk ??= (ClipTokenizer.DefaultUnkToken, "the default");

        return new ClipTokenizerData(
            vocabulary,
            merges,
            SpecialId("bos_token", settings.Bos.Value),
            SpecialId("eos_token", settings.Eos.Value),
            SpecialId("pad_token", settings.Pad.Value),
            settings.Unk.Value.Token,
            SpecialId("unk_token", settings.Unk.Value),
            settings.MaxLength ?? ClipTokenizer.DefaultMaxLength);

        int SpecialId(string name, (string Token, string Source) special) =>
            vocabulary.TryGetValue(special.Token, out var id)
                ? id
                : throw new InvalidDataException(
                    $"{name} \"{special.Token}\" (from {special.Source}) is not in the vocabulary {vocabPath}");
    }

    /// <summary>
    /// JsonDocument decodes a string only when it is read: invalid UTF-8 or an escape such as \ud800 fails then, with an
    /// InvalidOperationException that this turns into the InvalidDataException naming the file.
    /// </summary>
    private static T RefusingUndecodableStrings<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"{path} holds a string that is not valid UTF-8 or Unicode ({e.Message})", e);
        }
    }

    private static void RefusingUndecodableStrings(string path, Action read) =>
        RefusingUndecodableStrings(path, () => { read(); return true; });

    private static Dictionary<string, int> ReadVocabulary(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"tokenizer vocabulary {path} does not exist", path);
        }
        using var document = ParseJson(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path} must hold a JSON object mapping tokens to ids, found {document.RootElement.ValueKind}");
        }
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokensById = new Dictionary<int, string>();
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new InvalidDataException($"{path}: token \"{entry.Name}\" has id {entry.Value.GetRawText()}, expected a non-negative integer");
            }
            if (!vocabulary.TryAdd(entry.Name, id))
            {
                throw new InvalidDataException($"{path}: token \"{entry.Name}\" appears twice");
            }
            if (!tokensById.TryAdd(id, entry.Name))
            {
                throw new InvalidDataException($"{path}: tokens \"{tokensById[id]}\" and \"{entry.Name}\" share the id {id}");
            }
        }
        if (vocabulary.Count == 0)
        {
            throw new InvalidDataException($"{path} is an empty vocabulary");
        }
        return vocabulary;
    }

    private static List<string> ReadMerges(string path, Dictionary<string, int> vocabulary, string vocabPath)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"tokenizer merges file {path} does not exist", path);
        }
        var merges = new List<string>(capacity: 50_000);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if ((lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)) || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new InvalidDataException($"{path} line {lineNumber}: expected two symbols separated by one space, found \"{line}\"");
            }
            Check(parts[0]);
            Check(parts[1]);
            Check(parts[0] + parts[1]);
            merges.Add(line);

            void Check(string symbol)
            {
                if (!vocabulary.ContainsKey(symbol))
                {
                    throw new InvalidDataException($"{path} line {lineNumber}: merge \"{line}\" needs the symbol \"{symbol}\", which is not in {vocabPath}");
                }
            }
        }
        return KeepLastOfEachPair(merges);
    }

    /// <summary>
    /// A pair listed twice keeps its last rank, as the reference implementations' dictionaries do (the package rejects
    /// repeats): earlier copies are dropped, which keeps every other pair's relative order.
    /// </summary>
    private static List<string> KeepLastOfEachPair(List<string> merges)
    {
        var lastIndex = new Dictionary<string, int>(merges.Count, StringComparer.Ordinal);
        for (var i = 0; i < merges.Count; i++)
        {
            lastIndex[merges[i]] = i;
        }
        if (lastIndex.Count == merges.Count)
        {
            return merges;
        }
        return merges.Where((merge, i) => lastIndex[merge] == i).ToList();
    }

    private static void ReadSettings(string path, Settings settings)
    {
        if (!File.Exists(path))
        {
            return;
        }
        using var document = ParseJson(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path} must hold a JSON object, found {root.ValueKind}");
        }
        settings.Bos = Token("bos_token") ?? settings.Bos;
        settings.Eos = Token("eos_token") ?? settings.Eos;
        settings.Pad = Token("pad_token") ?? settings.Pad;
        settings.Unk = Token("unk_token") ?? settings.Unk;
        if (root.TryGetProperty("model_max_length", out var maxLength) && maxLength.ValueKind != JsonValueKind.Null)
        {
            if (maxLength.ValueKind != JsonValueKind.Number || !maxLength.TryGetDouble(out var value) || value != Math.Floor(value))
            {
                throw new InvalidDataException($"{path}: model_max_length is {maxLength.GetRawText()}, expected an integer");
            }
            if (value < 2)
            {
                throw new InvalidDataException($"{path}: model_max_length is {maxLength.GetRawText()}, but a sequence needs at least 2 tokens (start and end)");
            }
            if (value <= LargestMaxLength)
            {
                settings.MaxLength = (int)value;
            }
        }

        // A token is a string, or (older transformers) an AddedToken object whose "content" is the string.
        (string, string)? Token(string name)
        {
            if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            var content = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Object when value.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
                _ => null,
            };
            if (string.IsNullOrEmpty(content))
            {
                throw new InvalidDataException($"{path}: {name} is {value.GetRawText()}, expected a token string or an object with a \"content\" string");
            }
            return (content, path);
        }
    }

    private static JsonDocument ParseJson(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    private sealed class Settings
    {
        public (string Token, string Source)? Bos { get; set; }

        public (string Token, string Source)? Eos { get; set; }

        public (string Token, string Source)? Pad { get; set; }

        public (string Token, string Source)? Unk { get; set; }

        public int? MaxLength { get; set; }
    }
}
