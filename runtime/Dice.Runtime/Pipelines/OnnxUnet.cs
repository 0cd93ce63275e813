using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dice.Runtime.Pipelines;

/// <summary>
/// The UNet session. <see cref="Bind"/> allocates the step loop's tensors once (sample, timestep, context, output)
/// and binds them; each <see cref="Run"/> then reuses them, so a step copies nothing through fresh arrays.
/// Every call is counted: the number that DICE halves.
/// </summary>
internal sealed class OnnxUnet : IDisposable
{
    private readonly InferenceSession session;
    private readonly NodeMetadata sample;
    private readonly NodeMetadata timestep;
    private readonly NodeMetadata context;
    private readonly string output;
    private readonly List<int> batchSizes = [];

    public OnnxUnet(string path, SessionOptions options)
    {
        OnnxExternalData.Check(path);
        session = new InferenceSession(path, options);
        sample = SessionInputs.Require(session, "sample", "unet");
        timestep = SessionInputs.Require(session, "timestep", "unet");
        context = SessionInputs.Require(session, "encoder_hidden_states", "unet");
        output = SessionInputs.OutputName(session, "out_sample");
    }

    public int Calls => batchSizes.Count;

    public IReadOnlyList<int> BatchSizes => batchSizes;

    public void ResetCount() => batchSizes.Clear();

    /// <summary>How the timestep input takes the scheduler's float timesteps (see <see cref="GenerationResult.TimestepInput"/>).</summary>
    public string TimestepInput => timestep.ElementDataType switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.Int64 => "int64 (truncated)",
        TensorElementType.Int32 => "int32 (truncated)",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>Latent channels the UNet takes, when its graph fixes them.</summary>
    public int? Channels => SessionInputs.StaticDim(sample, 1);

    /// <summary>Checks a latent size against the graph's static dims, naming the sizes that would work.</summary>
    public void CheckLatentSize(int height, int width, int vaeFactor)
    {
        var h = SessionInputs.StaticDim(sample, 2);
        var w = SessionInputs.StaticDim(sample, 3);
        if ((h is { } sh && sh != height) || (w is { } sw && sw != width))
        {
            throw new ArgumentException(
                $"this UNet takes {h}×{w} latents ({h * vaeFactor}×{w * vaeFactor} images); asked for {height}×{width} latents ({height * vaeFactor}×{width * vaeFactor} images)");
        }
    }

    public UnetBinding Bind(int batch, int channels, int height, int width, int sequence, int hiddenWidth) =>
        new(session, this, output,
            BoundTensor.Create(sample.ElementDataType, batch, channels, height, width),
            BoundTensor.Create(timestep.ElementDataType, TimestepShape(batch)),
            BoundTensor.Create(context.ElementDataType, batch, sequence, hiddenWidth),
            BoundTensor.Create(session.OutputMetadata[output].ElementDataType, batch, channels, height, width),
            batch);

    /// <summary>Rank 0 (a scalar), a fixed [1], or one per sample, as the graph declares.</summary>
    private long[] TimestepShape(int batch) => timestep.Dimensions.Length switch
    {
        0 => [],
        _ when SessionInputs.StaticDim(timestep, 0) == 1 => [1],
        _ => [batch],
    };

    internal void Count(int batch) => batchSizes.Add(batch);

    public void Dispose() => session.Dispose();
}

/// <summary>The bound tensors of one batch size.</summary>
internal sealed class UnetBinding : IDisposable
{
    private readonly InferenceSession session;
    private readonly OnnxUnet owner;
    private readonly OrtIoBinding binding;
    private readonly RunOptions runOptions = new();
    private readonly int batch;

    public UnetBinding(InferenceSession session, OnnxUnet owner, string outputName, BoundTensor sample, BoundTensor timestep,
        BoundTensor context, BoundTensor output, int batch)
    {
        this.session = session;
        this.owner = owner;
        this.batch = batch;
        Sample = sample;
        Timestep = timestep;
        Context = context;
        Output = output;
        binding = session.CreateIoBinding();
        binding.BindInput("sample", sample.Value);
        binding.BindInput("timestep", timestep.Value);
        binding.BindInput("encoder_hidden_states", context.Value);
        binding.BindOutput(outputName, output.Value);
    }

    public BoundTensor Sample { get; }

    public BoundTensor Timestep { get; }

    public BoundTensor Context { get; }

    public BoundTensor Output { get; }

    /// <summary>Integer timestep inputs get the value truncated, as diffusers' ONNX pipelines cast it.</summary>
    public void SetTimestep(float t) => Timestep.Fill(t);

    public void Run()
    {
        session.RunWithBinding(runOptions, binding);
        owner.Count(batch);
    }

    public void Dispose()
    {
        binding.Dispose();
        runOptions.Dispose();
        Sample.Dispose();
        Timestep.Dispose();
        Context.Dispose();
        Output.Dispose();
    }
}
