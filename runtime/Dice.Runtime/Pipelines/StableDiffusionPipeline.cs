using Dice.Core;
using Dice.Core.Sampling;
using System.Diagnostics;
using Dice.Core.Images;
using Dice.Core.ModelFolders;
using Dice.Core.Schedulers;
using Dice.Core.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace Dice.Runtime.Pipelines;

/// <summary>
/// Text-to-image over an ONNX model folder: tokenizer → text encoder → scheduler loop over the UNet → VAE decoder.
/// Sessions are created once and reused across calls. Under DICE and unguided sampling each step calls the UNet
/// once; under CFG twice (one call of batch 2N, or two of batch N when sequential).
/// </summary>
public sealed class StableDiffusionPipeline : IDisposable
{
    private readonly SessionOptions sessionOptions;
    private readonly ClipTokenizer tokenizer;
    private readonly SchedulerConfig schedulerConfig;
    private readonly OnnxTextEncoder textEncoder;
    private readonly OnnxUnet unet;
    private readonly OnnxVaeDecoder vaeDecoder;
    private OnnxTextEncoder? diceEncoder;
    private OnnxVaeEncoder? vaeEncoder;

    private StableDiffusionPipeline(OnnxModelFolder folder, RuntimeOptions options)
    {
        Folder = folder;
        foreach (var component in new[] { OnnxModelFolder.TextEncoder, OnnxModelFolder.Unet, OnnxModelFolder.VaeDecoder })
        {
            if (!folder.Has(component))
            {
                throw new InvalidDataException($"model folder {folder.Root} has no {component}/model.onnx");
            }
        }
        if (!folder.HasTokenizer)
        {
            throw new InvalidDataException($"model folder {folder.Root} has no tokenizer/vocab.json and tokenizer/merges.txt");
        }
        if (!folder.HasScheduler)
        {
            throw new InvalidDataException($"model folder {folder.Root} has no scheduler/scheduler_config.json");
        }
        tokenizer = ClipTokenizer.Load(Path.Combine(folder.Root, "tokenizer"));
        schedulerConfig = SchedulerConfig.Load(Path.Combine(folder.Root, "scheduler", "scheduler_config.json"));
        Geometry = ModelGeometry.Read(folder);
        ScalingFactor = Geometry.ScalingFactor;
        VaeFactor = Geometry.VaeFactor;
        LatentMultiple = Geometry.LatentMultiple;
        DefaultHeight = Geometry.DefaultHeight;
        DefaultWidth = Geometry.DefaultWidth;

        sessionOptions = SessionOptionsFactory.Create(options);
        try
        {
            textEncoder = OpenSession(folder, OnnxModelFolder.TextEncoder, path => new OnnxTextEncoder(path, sessionOptions, OnnxModelFolder.TextEncoder));
            unet = OpenSession(folder, OnnxModelFolder.Unet, path => new OnnxUnet(path, sessionOptions));
            vaeDecoder = OpenSession(folder, OnnxModelFolder.VaeDecoder, path => new OnnxVaeDecoder(path, sessionOptions));
        }
        catch
        {
            textEncoder?.Dispose();
            unet?.Dispose();
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens one component's session; a file ONNX Runtime cannot load (corrupt, truncated, not ONNX) becomes an
    /// <see cref="InvalidDataException"/> naming it, with the first line of ONNX Runtime's reason.
    /// </summary>
    private static T OpenSession<T>(OnnxModelFolder folder, string component, Func<string, T> open)
    {
        var path = folder.ModelPath(component);
        try
        {
            return open(path);
        }
        catch (OnnxRuntimeException e)
        {
            var reason = e.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            throw new InvalidDataException(
                $"{path} cannot be loaded by ONNX Runtime ({reason}): the file is damaged or not an ONNX model; export or convert {component} again", e);
        }
    }

    /// <summary>The sizes of the folder's networks, as its configs state them.</summary>
    public ModelGeometry Geometry { get; }

    public OnnxModelFolder Folder { get; }

    /// <summary>The folder has a DICE-fused text encoder.</summary>
    public bool HasDice => Folder.HasDice;

    public double ScalingFactor { get; }

    /// <summary>Pixels per latent cell (8 for SD).</summary>
    public int VaeFactor { get; }

    /// <summary>Latent sizes must be multiples of this (the UNet halves them once per level but the last).</summary>
    public int LatentMultiple { get; }

    public int DefaultHeight { get; }

    public int DefaultWidth { get; }

    /// <summary>The model's tokenizer (tokenizer/).</summary>
    public ClipTokenizer Tokenizer => tokenizer;

    /// <summary>
    /// Encodes <paramref name="prompts"/> with text_encoder (<paramref name="dice"/> false) or text_encoder_dice at
    /// strength <paramref name="alpha"/>: hidden states [prompts, sequence, width], row-major.
    /// </summary>
    public (float[] Hidden, int Sequence, int Width) EncodePrompts(IReadOnlyList<string> prompts, bool dice = false, double alpha = 1.0)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (dice && !HasDice)
        {
            throw new InvalidOperationException($"model folder {Folder.Root} has no {OnnxModelFolder.TextEncoderDice}/model.onnx");
        }
        var tokens = prompts.Select(tokenizer.Tokenize).ToList();
        var (hidden, width) = dice ? DiceEncoder.Encode(tokens, alpha) : textEncoder.Encode(tokens);
        return (hidden, tokenizer.MaxLength, width);
    }

    /// <summary>
    /// The first step image-to-image runs, as diffusers' img2img: int(steps × strength) steps run, the last ones of the
    /// schedule; 0 for text-to-image.
    /// </summary>
    public static int StartStep(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.InitImage is null)
        {
            return 0;
        }
        var run = Math.Min((int)(request.Steps * request.Strength), request.Steps);
        return request.Steps - run;
    }

    /// <summary>
    /// Encodes <paramref name="image"/> with vae_encoder: pixels to [−1, 1], the posterior mean (or the encoder's
    /// latent_sample) × the scaling factor; [C, H/8, W/8].
    /// </summary>
    public float[] EncodeImage(RgbImage image, int channels = 4)
    {
        ArgumentNullException.ThrowIfNull(image);
        var chw = image.ToChw();
        for (var i = 0; i < chw.Length; i++)
        {
            chw[i] = 2 * chw[i] - 1;
        }
        vaeEncoder ??= OpenSession(Folder, OnnxModelFolder.VaeEncoder, path => new OnnxVaeEncoder(path, sessionOptions));
        var latents = vaeEncoder.Encode(chw, image.Height, image.Width, channels);
        for (var i = 0; i < latents.Length; i++)
        {
            latents[i] = (float)(latents[i] * ScalingFactor);
        }
        return latents;
    }

    private OnnxTextEncoder DiceEncoder => diceEncoder ??= OpenSession(Folder, OnnxModelFolder.TextEncoderDice,
        path => new OnnxTextEncoder(path, sessionOptions, OnnxModelFolder.TextEncoderDice));

    public static StableDiffusionPipeline Load(string modelFolder, RuntimeOptions? options = null) =>
        new(OnnxModelFolder.Open(modelFolder), options ?? new RuntimeOptions());

    public GenerationResult Generate(GenerationRequest request, IProgress<StepProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (height, width) = Validate(request);
        var startStep = StartStep(request);
        var latentHeight = height / VaeFactor;
        var latentWidth = width / VaeFactor;
        unet.CheckLatentSize(latentHeight, latentWidth, VaeFactor);
        var channels = unet.Channels ?? 4;
        var n = request.Prompts.Count * request.ImagesPerPrompt;
        var latentCount = channels * latentHeight * latentWidth;

        var scheduler = SchedulerFactory.Create(request.Scheduler, schedulerConfig, request.Eta);
        scheduler.SetTimesteps(request.Steps);
        unet.ResetCount();

        var clock = Stopwatch.StartNew();
        var cond = request.Prompts.SelectMany(p => Enumerable.Repeat(p, request.ImagesPerPrompt)).Select(tokenizer.Tokenize).ToList();
        var uncond = Enumerable.Repeat(tokenizer.Tokenize(request.NegativePrompt), n).ToList();
        float[] context;
        int hiddenWidth;
        switch (request.Mode)
        {
            case GenerationMode.Cfg:
                (context, hiddenWidth) = textEncoder.Encode([.. uncond, .. cond]);
                break;
            case GenerationMode.Dice:
                var dice = DiceEncoder;
                if (request.NegativePrompt.Length > 0 && !dice.AcceptsNegativePrompt)
                {
                    throw new ArgumentException(
                        $"this {OnnxModelFolder.TextEncoderDice} takes no negative prompt (no {OnnxTextEncoder.NegativeIdsInput} input): " +
                        "re-export it with `dice export`, or drop --negative-prompt");
                }
                if (request.Alpha != 1.0 && !dice.AcceptsAlpha)
                {
                    throw new ArgumentException(
                        $"this {OnnxModelFolder.TextEncoderDice} has a fixed strength (no {OnnxTextEncoder.AlphaInput} input): " +
                        "re-export it with `dice export`, or drop --alpha");
                }
                var negative = request.NegativePrompt.Length > 0 ? uncond : null;
                (context, hiddenWidth) = dice.Encode(cond, request.Alpha, negative, request.Beta);
                break;
            default:
                (context, hiddenWidth) = textEncoder.Encode(cond);
                ScaleEmbedding(context, n, tokenizer.MaxLength, hiddenWidth, (float)request.EmbeddingScale);
                break;
        }
        var textEncoding = clock.Elapsed;

        clock.Restart();
        // One source per generation: the initial latents first (unless given), then the per-step noise of stochastic samplers.
        var noise = NoiseSources.Create(request.Noise, request.Seed);
        var latents = InitialLatents(request, noise, n, channels, latentHeight, latentWidth);
        var cfg = request.Mode == GenerationMode.Cfg;
        var guidance = cfg ? (float)request.GuidanceScale : (float?)null;
        var rescale = (float)request.GuidanceRescale;
        using (var denoiser = new OnnxUnetDenoiser(unet, context, n, channels, latentHeight, latentWidth, tokenizer.MaxLength,
            hiddenWidth, cfg, request.CfgSequential))
        {
            if (request.InitImage is { } init)
            {
                var encoded = EncodeImage(init, channels);
                for (var b = 0; b < n; b++)
                {
                    var slice = latents.AsSpan(b * latentCount, latentCount);
                    scheduler.AddNoise(encoded, slice, startStep, slice);
                }
                DenoisingLoop.RunFrom(scheduler, denoiser, latents, startStep, guidance, rescale, n, progress, cancellationToken, noise);
            }
            else
            {
                DenoisingLoop.Run(scheduler, denoiser, latents, guidance, progress, cancellationToken, rescale, n, noise);
            }
        }
        var denoising = clock.Elapsed;

        clock.Restart();
        var scaled = new float[latents.Length];
        for (var i = 0; i < latents.Length; i++)
        {
            scaled[i] = (float)(latents[i] / ScalingFactor);
        }
        var (pixels, imageHeight, imageWidth) = vaeDecoder.Decode(scaled, n, channels, latentHeight, latentWidth);
        var perImage = 3 * imageHeight * imageWidth;
        var images = new List<RgbImage>(n);
        for (var b = 0; b < n; b++)
        {
            var chw = pixels.AsSpan(b * perImage, perImage);
            for (var i = 0; i < chw.Length; i++)
            {
                chw[i] = chw[i] / 2 + 0.5f;
            }
            images.Add(RgbImage.FromChw(chw, imageWidth, imageHeight));
        }
        return new GenerationResult(images, unet.Calls, unet.BatchSizes.ToList(), textEncoding, denoising, clock.Elapsed)
        {
            TimestepInput = unet.TimestepInput,
        };
    }

    /// <summary>
    /// The request's latents, checked against [n, C, h, w] (a [C, h, w] array is copied to every image), or one
    /// draw of n·C·h·w values from its noise source.
    /// </summary>
    private static float[] InitialLatents(GenerationRequest request, INoiseSource noise, int n, int channels, int height, int width)
    {
        var latents = new float[n * channels * height * width];
        if (request.Latents is not { } given)
        {
            noise.Fill(latents);
            return latents;
        }
        var shape = given.Shape;
        var perImage = shape.Count == 3 && shape[0] == channels && shape[1] == height && shape[2] == width;
        var batched = shape.Count == 4 && shape[0] == n && shape[1] == channels && shape[2] == height && shape[3] == width;
        if (!perImage && !batched)
        {
            throw new ArgumentException(
                $"latents of shape ({string.Join(", ", shape)}) do not fit this request: it needs ({n}, {channels}, {height}, {width}) " +
                $"or ({channels}, {height}, {width}) for {request.Prompts.Count} prompt(s) × {request.ImagesPerPrompt} image(s) of " +
                $"{height}×{width} latents");
        }
        if (given.Data.Any(v => !float.IsFinite(v)))
        {
            throw new ArgumentException("latents hold NaN or infinite values");
        }
        for (var b = 0; b < (perImage ? n : 1); b++)
        {
            given.Data.CopyTo(latents, b * given.Data.Length);
        }
        return latents;
    }

    /// <summary>Multiplies every token but the first of each of the <paramref name="n"/> embeddings by <paramref name="scale"/>.</summary>
    private static void ScaleEmbedding(float[] context, int n, int sequence, int width, float scale)
    {
        if (scale == 1f)
        {
            return;
        }
        for (var b = 0; b < n; b++)
        {
            var tokens = context.AsSpan((b * sequence + 1) * width, (sequence - 1) * width);
            for (var i = 0; i < tokens.Length; i++)
            {
                tokens[i] *= scale;
            }
        }
    }

    private (int Height, int Width) Validate(GenerationRequest request)
    {
        if (request.Prompts is null || request.Prompts.Count == 0)
        {
            throw new ArgumentException("no prompt given: pass at least one prompt");
        }
        if (request.Prompts.Any(p => p is null))
        {
            throw new ArgumentException("a prompt is null");
        }
        if (!NoiseSources.Names.Contains(request.Noise?.ToLowerInvariant()))
        {
            throw new ArgumentException($"unknown noise source '{request.Noise}': use {string.Join(" or ", NoiseSources.Names)}");
        }
        if (request.Steps <= 0)
        {
            throw new ArgumentException($"steps must be positive, not {request.Steps}");
        }
        if (request.ImagesPerPrompt <= 0)
        {
            throw new ArgumentException($"images per prompt must be positive, not {request.ImagesPerPrompt}");
        }
        if (!double.IsFinite(request.GuidanceScale) || !double.IsFinite(request.Alpha) || !double.IsFinite(request.Beta))
        {
            throw new ArgumentException("guidance, alpha and beta must be finite numbers");
        }
        if (!double.IsFinite(request.EmbeddingScale) || (request.EmbeddingScale != 1.0 && request.Mode != GenerationMode.Unguided))
        {
            throw new ArgumentException(
                $"embedding scale {request.EmbeddingScale} is for unguided sampling only (the naive-scaling baseline): use mode unguided, or scale 1");
        }
        if (request.Mode == GenerationMode.Dice && !HasDice)
        {
            throw new ArgumentException(
                $"model folder {Folder.Root} has no {OnnxModelFolder.TextEncoderDice}/model.onnx: train a sharpener with `dice train` and " +
                "fuse it with `dice export`, or use --mode cfg");
        }
        if (request.Beta != 1.0 && (request.Mode != GenerationMode.Dice || request.NegativePrompt.Length == 0))
        {
            throw new ArgumentException(
                $"beta {request.Beta} is DICE's negative-prompt strength: use mode dice with a negative prompt, or beta 1");
        }
        if (request.Beta < 0)
        {
            throw new ArgumentException($"beta must be 0 or more (the strength of the shift away from the negative prompt), not {request.Beta}");
        }
        if (request.Beta != 1.0 && !DiceEncoder.AcceptsBeta)
        {
            throw new ArgumentException(
                $"this {OnnxModelFolder.TextEncoderDice} has a fixed beta of 1 (no {OnnxTextEncoder.BetaInput} input): re-export it with `dice export`, or drop --beta");
        }
        if (!double.IsFinite(request.Eta) || request.Eta < 0)
        {
            throw new ArgumentException($"eta must be a finite number ≥ 0, not {request.Eta}");
        }
        if (request.Eta != 0 && !string.Equals(request.Scheduler, SchedulerFactory.Ddim, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"eta is DDIM's: use scheduler {SchedulerFactory.Ddim}, or eta 0");
        }
        if (!double.IsFinite(request.GuidanceRescale) || request.GuidanceRescale < 0 || request.GuidanceRescale > 1)
        {
            throw new ArgumentException($"guidance rescale must lie in [0, 1], not {request.GuidanceRescale}");
        }
        if (request.GuidanceRescale != 0 && request.Mode != GenerationMode.Cfg)
        {
            throw new ArgumentException(
                $"guidance rescale rescales the CFG combination, which {request.Mode.ToString().ToLowerInvariant()} sampling does not have: use mode cfg, or rescale 0");
        }
        if (request.ClipSkip < 0)
        {
            throw new ArgumentException($"clip skip must be 0 or more, not {request.ClipSkip}");
        }
        if (request.ClipSkip != 0)
        {
            throw new ArgumentException(
                $"clip skip {request.ClipSkip} needs a text encoder that outputs its hidden states and final layer norm, and this folder's " +
                "text encoders output only last_hidden_state and pooler_output: use clip skip 0");
        }
        var height = request.Height ?? request.InitImage?.Height ?? DefaultHeight;
        var width = request.Width ?? request.InitImage?.Width ?? DefaultWidth;
        if (request.InitImage is { } init)
        {
            if (init.Width != width || init.Height != height)
            {
                throw new ArgumentException(
                    $"the init image is {init.Width}×{init.Height} and the output {width}×{height}: resize the image, or leave out the height and width");
            }
            if (!double.IsFinite(request.Strength) || request.Strength <= 0 || request.Strength > 1)
            {
                throw new ArgumentException($"strength must lie in (0, 1], not {request.Strength}");
            }
            if ((int)(request.Steps * request.Strength) < 1)
            {
                throw new ArgumentException(
                    $"steps × strength = {request.Steps} × {request.Strength} runs no step (image-to-image runs int(steps × strength)): raise steps or strength");
            }
            if (!Folder.Has(OnnxModelFolder.VaeEncoder))
            {
                throw new ArgumentException(
                    $"model folder {Folder.Root} has no {OnnxModelFolder.VaeEncoder}/model.onnx, which image-to-image needs: convert the weights again with `dice convert`");
            }
        }
        var multiple = VaeFactor * LatentMultiple;
        if (height <= 0 || width <= 0 || height > GenerationRequest.MaxSide || width > GenerationRequest.MaxSide
            || height % multiple != 0 || width % multiple != 0)
        {
            throw new ArgumentException($"image size {width}×{height} is not a positive multiple of {multiple} pixels up to {GenerationRequest.MaxSide}, which this model needs");
        }
        return (height, width);
    }

    public void Dispose()
    {
        textEncoder.Dispose();
        diceEncoder?.Dispose();
        vaeEncoder?.Dispose();
        unet.Dispose();
        vaeDecoder.Dispose();
        sessionOptions.Dispose();
    }
}
