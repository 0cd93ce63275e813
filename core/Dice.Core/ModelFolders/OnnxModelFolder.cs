namespace Dice.Core.ModelFolders;

/// <summary>
/// An ONNX Stable Diffusion model folder in the Optimum / diffusers layout: one sub-folder per component, each
/// with a model.onnx (and optionally model.onnx_data), plus tokenizer/ and scheduler/.
/// </summary>
public sealed class OnnxModelFolder
{
    public const string TextEncoder = "text_encoder";
    public const string TextEncoderDice = "text_encoder_dice";
    public const string Unet = "unet";
    public const string VaeDecoder = "vae_decoder";
    public const string VaeEncoder = "vae_encoder";
    public const string Sharpener = "sharpener";

    /// <summary>Components in the order a reader expects them.</summary>
    public static IReadOnlyList<string> KnownComponents { get; } =
        [TextEncoder, TextEncoderDice, Unet, VaeDecoder, VaeEncoder, Sharpener];

    private OnnxModelFolder(string root)
    {
        Root = root;
    }

    public string Root { get; }

    /// <summary>Opens a folder, checking only that it looks like a model folder (a unet or text encoder is there).</summary>
    public static OnnxModelFolder Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var root = Path.GetFullPath(path);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"model folder {root} does not exist");
        }
        var folder = new OnnxModelFolder(root);
        if (!folder.Has(Unet) && !folder.Has(TextEncoder))
        {
            throw new InvalidDataException(
                $"{root} is not an ONNX model folder: it has neither {Unet}/model.onnx nor {TextEncoder}/model.onnx " +
                "(expected the Optimum / diffusers ONNX layout; convert a diffusers weights folder with `dice convert`)");
        }
        return folder;
    }

    public string ModelPath(string component) => Path.Combine(Root, component, "model.onnx");

    public string ConfigPath(string component) => Path.Combine(Root, component, "config.json");

    public bool Has(string component) => File.Exists(ModelPath(component));

    /// <summary>The DICE drop-in text encoder is present.</summary>
    public bool HasDice => Has(TextEncoderDice);

    public bool HasTokenizer => File.Exists(Path.Combine(Root, "tokenizer", "vocab.json")) && File.Exists(Path.Combine(Root, "tokenizer", "merges.txt"));

    public bool HasScheduler => File.Exists(Path.Combine(Root, "scheduler", "scheduler_config.json"));

    public IReadOnlyList<string> PresentComponents => KnownComponents.Where(Has).ToList();

    /// <summary>Bytes on disk of a component: model.onnx plus its external data file, if any.</summary>
    public long SizeOnDisk(string component)
    {
        var directory = Path.Combine(Root, component);
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "model.onnx*").Sum(f => new FileInfo(f).Length)
            : 0;
    }
}
