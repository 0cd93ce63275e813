using BenchmarkDotNet.Attributes;
using Dice.Models.Clip;
using Dice.Models.Unet;
using Dice.Models.Vae;
using Dice.Trainer;
using Dice.Trainer.Teacher;
using static TorchSharp.torch;

namespace Dice.Benchmarks;

/// <summary>
/// One training step of the text-to-image teacher on libtorch (CPU), at sizes a dice-mini could have: a UNet
/// [64, 128, 128] (cross-attention, cross-attention, plain; 2 layers per block) with a 4-layer, 128-wide CLIP, on
/// 8×8×4 latents of 32×32 images from a 4× VAE. Measures what a CPU re-creation of dice-mini can afford.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class TeacherTrainingBenchmarks : IDisposable
{
    private TorchOps? vaeOps;
    private FrozenVae? vae;
    private TextToImageTrainer? trainer;
    private DiffusionBatch? batch;

    [Params(16, 64)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var vaeConfig = new AutoencoderKLConfig
        {
            DownBlockTypes = [AutoencoderKLConfig.DownEncoderBlock, AutoencoderKLConfig.DownEncoderBlock, AutoencoderKLConfig.DownEncoderBlock],
            UpBlockTypes = [AutoencoderKLConfig.UpDecoderBlock, AutoencoderKLConfig.UpDecoderBlock, AutoencoderKLConfig.UpDecoderBlock],
            BlockOutChannels = [32, 64, 128],
            LayersPerBlock = 1,
            NormNumGroups = 16,
            SampleSize = 32,
        };
        vaeOps = new TorchOps(seed: 1);
        vae = new FrozenVae(new AutoencoderKL<Tensor>(vaeOps, vaeConfig), vaeOps);
        var unet = new UNet2DConditionConfig
        {
            SampleSize = 8,
            DownBlockTypes = [UNet2DConditionConfig.CrossAttnDownBlock, UNet2DConditionConfig.CrossAttnDownBlock, UNet2DConditionConfig.DownBlock],
            UpBlockTypes = [UNet2DConditionConfig.UpBlock, UNet2DConditionConfig.CrossAttnUpBlock, UNet2DConditionConfig.CrossAttnUpBlock],
            BlockOutChannels = [64, 128, 128],
            LayersPerBlock = [2, 2, 2],
            NormNumGroups = 16,
            CrossAttentionDim = [128, 128, 128],
            TransformerLayersPerBlock = [1, 1, 1],
            AttentionHeadDim = [4, 4, 4],
        };
        var clip = new ClipTextConfig { HiddenSize = 128, IntermediateSize = 512, NumHiddenLayers = 4, NumAttentionHeads = 4 };
        trainer = new TextToImageTrainer(new TextToImageTrainingOptions
        {
            TextEncoder = clip,
            Unet = unet,
            TokenizerFolder = Path.Combine(RepositoryPaths.Root, "onnx-models", "tokenizers", "clip-vit-l14"),
            BatchSize = Batch,
            ScalingFactor = 1.0,
            ImageSize = 32,
        }, vae);
        batch = trainer.SampleBatch(0);
    }

    [Benchmark(Description = "text-to-image teacher training step")]
    public double TrainStep() => trainer!.TrainStep(batch!);

    [GlobalCleanup]
    public void Dispose()
    {
        trainer?.Dispose();
        vae?.Dispose();
        vaeOps?.Dispose();
        GC.SuppressFinalize(this);
    }
}
