// A minimal host of the Dice.Runtime package: one prompt in, one PNG out, on the CPU.
//   dotnet run -- MODEL_FOLDER PROMPT SEED OUT.png [STEPS]
using System.Globalization;
using Dice.Core.Images;
using Dice.Runtime;
using Dice.Runtime.Pipelines;

if (args.Length is < 4 or > 5)
{
    Console.Error.WriteLine("usage: Dice.SampleHost MODEL_FOLDER PROMPT SEED OUT.png [STEPS]");
    return 2;
}
var (modelFolder, prompt, output) = (args[0], args[1], args[3]);
var seed = ulong.Parse(args[2], CultureInfo.InvariantCulture);
var steps = args.Length == 5 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 20;

// Load once per process and reuse: loading creates the ONNX Runtime sessions. ExecutionProvider.Cuda runs on a GPU.
using var pipeline = StableDiffusionPipeline.Load(modelFolder, new RuntimeOptions { ExecutionProvider = ExecutionProvider.Cpu });

// DICE (one UNet call per step) where the model folder has a DICE text encoder, else classifier-free guidance.
var mode = pipeline.HasDice ? GenerationMode.Dice : GenerationMode.Cfg;
var result = pipeline.Generate(new GenerationRequest
{
    Prompts = [prompt],
    Mode = mode,
    Steps = steps,
    Seed = seed,
});

var image = result.Images[0];
PngFile.Write(output, image);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{output}: {image.Width}x{image.Height}, {mode}, {steps} steps, {result.UnetCalls} UNet calls, {result.Total.TotalSeconds:F2} s"));
return 0;
