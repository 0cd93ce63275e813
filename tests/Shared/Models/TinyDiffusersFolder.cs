using Dice.Exporter;
using Dice.Models;
using Dice.Models.Clip;
using Dice.Models.StableDiffusion;
using Dice.Models.Unet;
using Dice.Models.Vae;
using Dice.Models.Weights;

namespace Dice.Tests.Shared;

/// <summary>A diffusers weights folder (for test projects that reference the exporter) with SD1.5's structure at tiny sizes and seeded random weights.</summary>
internal static class TinyDiffusersFolder
{
    public static ClipTextConfig TextEncoder { get; } = new()
    {
        HiddenSize = 16,
        IntermediateSize = 32,
        NumHiddenLayers = 2,
        NumAttentionHeads = 2,
    };

    public static UNet2DConditionConfig Unet { get; } = UNet2DConditionConfig.Tiny(crossAttentionDim: 16);

    public static AutoencoderKLConfig Vae { get; } = AutoencoderKLConfig.Tiny();

    /// <summary>The CLIP ViT-L/14 tokenizer data in the repository (onnx-models/tokenizers/clip-vit-l14).</summary>
    public static string RepositoryTokenizer
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Dice.sln")))
                {
                    return Path.Combine(dir.FullName, "onnx-models", "tokenizers", "clip-vit-l14");
                }
            }
            throw new DirectoryNotFoundException($"no Dice.sln above {AppContext.BaseDirectory}");
        }
    }

    public static void Create(string root, Func<IEnumerable<WeightTensor>, IEnumerable<WeightTensor>>? editUnetWeights = null)
    {
        Write(root, StableDiffusionSource.TextEncoderFolder, "model.safetensors", TextEncoder.ToJson(),
            ParameterInventory.Of(ops => _ = new ClipTextModel<ParameterInventory.Declared>(ops, TextEncoder)), null);
        Write(root, StableDiffusionSource.UnetFolder, "diffusion_pytorch_model.safetensors", Unet.ToJson(),
            ParameterInventory.Of(ops => _ = new UNet2DConditionModel<ParameterInventory.Declared>(ops, Unet)), editUnetWeights);
        Write(root, StableDiffusionSource.VaeFolder, "diffusion_pytorch_model.safetensors", Vae.ToJson(),
            ParameterInventory.Of(ops => _ = new AutoencoderKL<ParameterInventory.Declared>(ops, Vae)), null);

        var tokenizer = Directory.CreateDirectory(Path.Combine(root, StableDiffusionSource.TokenizerFolder)).FullName;
        foreach (var file in Directory.EnumerateFiles(RepositoryTokenizer, "*.*"))
        {
            File.Copy(file, Path.Combine(tokenizer, Path.GetFileName(file)));
        }
        var scheduler = Directory.CreateDirectory(Path.Combine(root, StableDiffusionSource.SchedulerFolder)).FullName;
        File.WriteAllText(Path.Combine(scheduler, StableDiffusionSource.SchedulerConfigFile), StableDiffusionSource.Sd15SchedulerConfig);
    }

    private static void Write(string root, string folder, string file, string configJson, IReadOnlyList<ParameterSpec> specs,
        Func<IEnumerable<WeightTensor>, IEnumerable<WeightTensor>>? edit)
    {
        var directory = Directory.CreateDirectory(Path.Combine(root, folder)).FullName;
        File.WriteAllText(Path.Combine(directory, "config.json"), configJson);
        var random = new RandomWeightSource(7);
        var tensors = specs.Select(s =>
        {
            var values = new float[s.ElementCount];
            random.Read(s, values);
            return WeightTensor.FromFloat32(s.Name, s.Shape, values);
        });
        StateDictFile.Save(Path.Combine(directory, file), edit is null ? tensors : edit(tensors));
    }
}
