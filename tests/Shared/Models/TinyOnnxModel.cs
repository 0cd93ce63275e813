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
    private readonly Lazy<string> int64Timestep;

    public TinyOnnxModel()
    {
        int64Timestep = new Lazy<string>(BuildInt64Timestep);
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

    /// <summary>
    /// <see cref="Plain"/> with a UNet of the same weights whose timestep input is int64, as Optimum exports it
    /// (Dice's own exports take float32). Built on first use.
    /// </summary>
    public string Int64Timestep => int64Timestep.Value;

    private string BuildInt64Timestep()
    {
        var folder = Path.Combine(directory.Path, "tiny-int64-timestep");
        var unetOnly = Path.Combine(directory.Path, "unet-int64-timestep");
        StableDiffusionConverter.Convert(StableDiffusionSource.FromDiffusersFolder(Weights), unetOnly,
            new ConvertOptions { Components = [ComponentExporter.Unet], UnetInt64Timestep = true });
        CopyDirectory(Plain, folder);
        Directory.Delete(Path.Combine(folder, "unet"), recursive: true);
        CopyDirectory(Path.Combine(unetOnly, "unet"), Path.Combine(folder, "unet"));
        return folder;
    }

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
