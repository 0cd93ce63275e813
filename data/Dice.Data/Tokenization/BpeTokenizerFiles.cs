using System.Globalization;
using System.Text;
using Dice.Core.Tokenization;

namespace Dice.Data.Tokenization;

/// <summary>
/// Writes a <see cref="LearnedBpe"/> as a Hugging Face CLIP tokenizer folder, the layout the runtime's
/// <c>ClipTokenizer.Load</c> reads: vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json.
/// </summary>
/// <remarks>
/// The folder appears whole or not at all: the files are written (and flushed to disk) in a hidden staging folder
/// next to it, which is then renamed into place. With <see cref="BpeTokenizerFileOptions.Overwrite"/> an existing
/// folder is first renamed aside and deleted only once the new one is in place. The bytes depend only on the learned
/// vocabulary and the options: UTF-8 without BOM, LF line ends, JSON laid out as the Hugging Face files are.
/// </remarks>
public static class BpeTokenizerFiles
{
    public const string VocabFile = "vocab.json";
    public const string MergesFile = "merges.txt";
    public const string ConfigFile = "tokenizer_config.json";
    public const string SpecialTokensFile = "special_tokens_map.json";

    /// <summary>First line of merges.txt.</summary>
    public const string MergesHeader = "#version: 0.2";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes the tokenizer folder <paramref name="folder"/> (its parent is created if needed) and returns its full
    /// path. Throws <see cref="IOException"/> when the folder exists and <see cref="BpeTokenizerFileOptions.Overwrite"/>
    /// is off, or when a file of that name exists.
    /// </summary>
    public static string Write(string folder, LearnedBpe learned, BpeTokenizerFileOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(learned);
        options ??= new BpeTokenizerFileOptions();
        if (options.ModelMaxLength < 2)
        {
            throw new ArgumentException(
                $"model_max_length {options.ModelMaxLength} is too small: a sequence needs at least 2 tokens (start and end)", nameof(options));
        }
        if (options.PadToken is null || !learned.TokenIds.ContainsKey(options.PadToken))
        {
            throw new ArgumentException($"pad token \"{options.PadToken}\" is not in the learned vocabulary", nameof(options));
        }

        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var parent = Path.GetDirectoryName(target);
        if (string.IsNullOrEmpty(parent))
        {
            throw new ArgumentException($"cannot write a tokenizer as the root folder {target}", nameof(folder));
        }
        if (File.Exists(target))
        {
            throw new IOException($"cannot write the tokenizer folder {target}: a file of that name exists");
        }
        if (Directory.Exists(target) && !options.Overwrite)
        {
            throw new IOException($"tokenizer folder {target} already exists; set {nameof(BpeTokenizerFileOptions.Overwrite)} to replace it");
        }

        var contents = Render(learned, options);
        Directory.CreateDirectory(parent);
        var name = Path.GetFileName(target);
        var staging = Path.Combine(parent, $".{name}.writing-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            foreach (var (file, text) in contents)
            {
                WriteFile(Path.Combine(staging, file), text);
            }
            Install(staging, target, parent, name);
        }
        catch
        {
            DeleteQuietly(staging);
            throw;
        }
        return target;
    }

    /// <summary>The four files' names and texts, in writing order.</summary>
    private static (string File, string Text)[] Render(LearnedBpe learned, BpeTokenizerFileOptions options) =>
    [
        (VocabFile, RenderVocabulary(learned.Vocabulary)),
        (MergesFile, RenderMerges(learned.Merges)),
        (ConfigFile, RenderObject(
        [
            ("add_prefix_space", "false"),
            ("bos_token", Quote(ClipPreTokenizer.StartOfText)),
            ("do_lower_case", "true"),
            ("eos_token", Quote(ClipPreTokenizer.EndOfText)),
            ("errors", Quote("replace")),
            ("model_max_length", options.ModelMaxLength.ToString(CultureInfo.InvariantCulture)),
            ("pad_token", Quote(options.PadToken)),
            ("tokenizer_class", Quote("CLIPTokenizer")),
            ("unk_token", Quote(ClipPreTokenizer.EndOfText)),
        ])),
        (SpecialTokensFile, RenderObject(
        [
            ("bos_token", Quote(ClipPreTokenizer.StartOfText)),
            ("eos_token", Quote(ClipPreTokenizer.EndOfText)),
            ("pad_token", Quote(options.PadToken)),
            ("unk_token", Quote(ClipPreTokenizer.EndOfText)),
        ])),
    ];

    /// <summary>One line, <c>{"!": 0, "\"": 1, …}</c>, ids in increasing order, no final newline (as CLIP's file).</summary>
    private static string RenderVocabulary(IReadOnlyList<string> vocabulary)
    {
        var builder = new StringBuilder(vocabulary.Count * 16);
        builder.Append('{');
        for (var id = 0; id < vocabulary.Count; id++)
        {
            if (id > 0)
            {
                builder.Append(", ");
            }
            JsonText.AppendString(builder, vocabulary[id]);
            builder.Append(": ").Append(id.ToString(CultureInfo.InvariantCulture));
        }
        return builder.Append('}').ToString();
    }

    private static string RenderMerges(IReadOnlyList<BpeMerge> merges)
    {
        var builder = new StringBuilder(merges.Count * 12);
        builder.Append(MergesHeader).Append('\n');
        foreach (var merge in merges)
        {
            builder.Append(merge.Left).Append(' ').Append(merge.Right).Append('\n');
        }
        return builder.ToString();
    }

    /// <summary>An indented JSON object of already-rendered values, keys in the given order.</summary>
    private static string RenderObject((string Key, string Value)[] members)
    {
        var builder = new StringBuilder();
        builder.Append("{\n");
        for (var i = 0; i < members.Length; i++)
        {
            builder.Append("  ");
            JsonText.AppendString(builder, members[i].Key);
            builder.Append(": ").Append(members[i].Value).Append(i + 1 < members.Length ? ",\n" : "\n");
        }
        return builder.Append("}\n").ToString();
    }

    private static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        JsonText.AppendString(builder, value);
        return builder.ToString();
    }

    private static void WriteFile(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(Utf8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Renames the staging folder to the target, moving an existing target aside first (and back on failure).</summary>
    private static void Install(string staging, string target, string parent, string name)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        var replaced = Path.Combine(parent, $".{name}.replaced-{Guid.NewGuid():N}");
        Directory.Move(target, replaced);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Move(replaced, target);
            throw;
        }
        DeleteQuietly(replaced);
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover hidden folder is harmless; the original error (if any) matters more.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
