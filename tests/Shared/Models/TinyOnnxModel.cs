using Dice.Exporter;
using Dice.Models.StableDiffusion;

namespace Dice.Tests.Shared;

/// <summary>
/// One tiny SD-layout ONNX model folder for the whole test run (random weights through our exporter), plus a
/// copy with a text_encoder_dice: the plain encoder standing in for a fused one, which is all the runtime can see.
/// </summary>
public sealed class TinyOnnxModel : IDisposable
{
    private readonly TempDirectory directory = new();

    public TinyOnnxModel()
    {
        var weights = Path.Combine(directory.Path, "weights");
        Weights = weights;
        TinyDiffusersFolder.Create(weights);
        Plain = Path.Combine(directory.Path, "tiny");
        StableDiffusionConverter.Convert(StableDiffusionSource.FromDiffusersFolder(weights), Plain, new ConvertOptions());
        WithDice = Path.Combine(directory.Path, "tiny-dice");
        CopyDirectory(Plain, WithDice);
        CopyDirectory(Path.Combine(Plain, "text_encoder"), Path.Combine(WithDice, "text_encoder_dice"));
    }

    /// <summary>The diffusers weights folder the ONNX folders were converted from.</summary>
    public string Weights { get; }

    /// <summary>text_encoder, unet, vae_decoder, vae_encoder, tokenizer, scheduler.</summary>
    public string Plain { get; }

    /// <summary>The same with a text_encoder_dice.</summary>
    public string WithDice { get; }

    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var sub in Directory.EnumerateDirectories(from))
        {
            CopyDirectory(sub, Path.Combine(to, Path.GetFileName(sub)));
        }
    }

    public void Dispose() => directory.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TinyOnnxModelCollection : ICollectionFixture<TinyOnnxModel>
{
    public const string Name = "tiny onnx model";
}
