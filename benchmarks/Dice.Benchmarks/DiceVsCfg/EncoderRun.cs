using Dice.Runtime;
using Dice.Core.ModelFolders;
using Dice.Core.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>
/// The model folder's text_encoder and text_encoder_dice as the pipeline runs them: token ids [N, 77] of the
/// prompt (N = batch), one Run that allocates last_hidden_state, sessions made with the runtime's
/// <see cref="SessionOptionsFactory"/> and default <see cref="RuntimeOptions"/>; the DICE encoder also gets alpha = 1
/// when it takes one, as the pipeline passes it. The difference of the two is what DICE adds to text encoding. The
/// folder's sharpener/model.onnx (what `dice export` fused in) also runs alone, on c [N, 77, d] and c_null [1, 77, d]:
/// the sharpener's own share of that difference.
/// </summary>
public sealed class EncoderRun : IDisposable
{
    private const string InputIds = "input_ids";
    private const string Alpha = "alpha";
    private readonly SessionOptions options;
    private readonly PreparedRun plain;
    private readonly PreparedRun dice;
    private readonly PreparedRun? sharpener;

    private EncoderRun(SessionOptions options, PreparedRun plain, PreparedRun dice, PreparedRun? sharpener)
    {
        this.options = options;
        this.plain = plain;
        this.dice = dice;
        this.sharpener = sharpener;
    }

    public static EncoderRun Start(BenchmarkModel model, int batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        var folder = OnnxModelFolder.Open(model.RequireFolder());
        var ids = ClipTokenizer.Load(Path.Combine(folder.Root, "tokenizer")).Tokenize(model.Prompt);
        var tokens = Enumerable.Repeat(ids, batch).SelectMany(t => t.Select(i => (long)i)).ToArray();
        var options = SessionOptionsFactory.Create(new RuntimeOptions());
        PreparedRun? plain = null;
        PreparedRun? dice = null;
        PreparedRun? sharpener = null;
        try
        {
            plain = Encoder(folder.ModelPath(OnnxModelFolder.TextEncoder), options, tokens, batch, ids.Length, alpha: false);
            dice = Encoder(folder.ModelPath(OnnxModelFolder.TextEncoderDice), options, tokens, batch, ids.Length, alpha: true);
            if (folder.Has(OnnxModelFolder.Sharpener))
            {
                sharpener = Sharpener(folder.ModelPath(OnnxModelFolder.Sharpener), options, batch, ids.Length);
            }
            // One untimed run each, as the pipeline suites warm up.
            plain.Run();
            dice.Run();
            sharpener?.Run();
            return new EncoderRun(options, plain, dice, sharpener);
        }
        catch
        {
            sharpener?.Dispose();
            dice?.Dispose();
            plain?.Dispose();
            options.Dispose();
            throw;
        }
    }

    /// <summary>text_encoder on N prompts; returns one element so the work cannot be skipped.</summary>
    public float RunPlain() => plain.Run();

    /// <summary>text_encoder_dice on N prompts.</summary>
    public float RunDice() => dice.Run();

    /// <summary>sharpener/model.onnx alone on N embeddings; throws when the folder has none.</summary>
    public float RunSharpener() => sharpener is null
        ? throw new InvalidOperationException($"the model folder has no {OnnxModelFolder.Sharpener}/model.onnx (`dice export` writes one)")
        : sharpener.Run();

    public void Dispose()
    {
        plain.Dispose();
        dice.Dispose();
        sharpener?.Dispose();
        options.Dispose();
    }

    /// <summary>The sharpener graph r(c, c_null) on small random embeddings.</summary>
    private static PreparedRun Sharpener(string path, SessionOptions options, int batch, int length) =>
        PreparedRun.Open(path, options, session =>
        {
            var c = session.InputMetadata["c"];
            var width = c.Dimensions[^1];
            if (width <= 0)
            {
                throw new InvalidDataException($"{path}: the sharpener's embedding width is not fixed");
            }
            var random = new Random(0);
            OrtValue Embeddings(int n) => Floats(c.ElementDataType,
                Enumerable.Range(0, n * length * width).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(), [n, length, width]);
            return (["c", "c_null"], [Embeddings(batch), Embeddings(1)], session.OutputMetadata.Keys.First());
        });

    /// <summary>A text encoder on token ids [batch, length], with alpha = 1 when asked for and the graph takes it.</summary>
    private static PreparedRun Encoder(string path, SessionOptions options, long[] tokens, int batch, int length, bool alpha) =>
        PreparedRun.Open(path, options, session =>
        {
            var names = new List<string> { InputIds };
            var values = new List<OrtValue> { Ids(session.InputMetadata[InputIds].ElementDataType, tokens, batch, length) };
            var alphaMetadata = session.InputMetadata.TryGetValue(Alpha, out var m) ? m
                : session.OverridableInitializerMetadata.TryGetValue(Alpha, out var o) ? o
                : null;
            if (alpha && alphaMetadata is not null)
            {
                names.Add(Alpha);
                values.Add(Floats(alphaMetadata.ElementDataType, [1.0f], alphaMetadata.Dimensions.Length == 0 ? [] : [1]));
            }
            var output = session.OutputMetadata.ContainsKey("last_hidden_state") ? "last_hidden_state" : session.OutputMetadata.Keys.First();
            return ([.. names], [.. values], output);
        });

    private static OrtValue Floats(TensorElementType type, float[] values, long[] shape) => type switch
    {
        TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(values, shape),
        TensorElementType.Float16 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (Float16)v).ToArray(), shape),
        _ => throw new NotSupportedException($"float inputs of element type {type}"),
    };

    private static OrtValue Ids(TensorElementType type, long[] tokens, int batch, int length) => type switch
    {
        TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(tokens, [batch, length]),
        TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(tokens.Select(t => (int)t).ToArray(), [batch, length]),
        _ => throw new NotSupportedException($"input_ids of element type {type}"),
    };

    /// <summary>A session with its inputs made once; each <see cref="Run"/> allocates the one output it asks for.</summary>
    private sealed class PreparedRun : IDisposable
    {
        private readonly InferenceSession session;
        private readonly string[] inputNames;
        private readonly OrtValue[] inputs;
        private readonly string[] outputNames;
        private readonly RunOptions runOptions = new();

        private PreparedRun(InferenceSession session, string[] inputNames, OrtValue[] inputs, string output)
        {
            this.session = session;
            this.inputNames = inputNames;
            this.inputs = inputs;
            outputNames = [output];
        }

        public static PreparedRun Open(string path, SessionOptions options,
            Func<InferenceSession, (string[] Names, OrtValue[] Values, string Output)> prepare)
        {
            var session = new InferenceSession(path, options);
            try
            {
                var (names, values, output) = prepare(session);
                return new PreparedRun(session, names, values, output);
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }

        /// <summary>Returns one element of the output so the work cannot be skipped.</summary>
        public float Run()
        {
            using var results = session.Run(runOptions, inputNames, inputs, outputNames);
            var value = results[0];
            return value.GetTensorTypeAndShape().ElementDataType == TensorElementType.Float16
                ? (float)value.GetTensorDataAsSpan<Float16>()[0]
                : value.GetTensorDataAsSpan<float>()[0];
        }

        public void Dispose()
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
            runOptions.Dispose();
            session.Dispose();
        }
    }
}
