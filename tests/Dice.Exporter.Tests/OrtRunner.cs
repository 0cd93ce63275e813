using Dice.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dice.Exporter.Tests;

/// <summary>A tensor for or from a session: float values (converted to and from float16 as the model needs) or integer ids.</summary>
internal sealed record TensorData(Array Values, long[] Shape)
{
    public float[] Floats => (float[])Values;

    public static TensorData Float(float[] values, params long[] shape) => new(values, shape);

    public static TensorData Int32(int[] values, params long[] shape) => new(values, shape);

    public static TensorData Int64(long[] values, params long[] shape) => new(values, shape);
}

/// <summary>Runs exported models in ONNX Runtime (CPU) the way the Dice runtime creates sessions.</summary>
internal sealed class OrtRunner : IDisposable
{
    private readonly SessionOptions options;

    public OrtRunner(string modelPath)
    {
        options = SessionOptionsFactory.Create(new RuntimeOptions());
        Session = new InferenceSession(modelPath, options);
    }

    public InferenceSession Session { get; }

    public static Dictionary<string, TensorData> RunOnce(string modelPath, params (string Name, TensorData Data)[] inputs)
    {
        using var runner = new OrtRunner(modelPath);
        return runner.Run(inputs);
    }

    public Dictionary<string, TensorData> Run(params (string Name, TensorData Data)[] inputs)
    {
        var values = new List<OrtValue>();
        try
        {
            foreach (var (name, data) in inputs)
            {
                values.Add(ToOrt(data, Session.InputMetadata[name].ElementDataType));
            }
            using var runOptions = new RunOptions();
            using var results = Session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, Session.OutputNames);
            return Session.OutputNames.Zip(results).ToDictionary(p => p.First, p => FromOrt(p.Second), StringComparer.Ordinal);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose()
    {
        Session.Dispose();
        options.Dispose();
    }

    private static OrtValue ToOrt(TensorData data, TensorElementType type) => (data.Values, type) switch
    {
        (float[] f, TensorElementType.Float) => OrtValue.CreateTensorValueFromMemory(f, data.Shape),
        (float[] f, TensorElementType.Float16) => OrtValue.CreateTensorValueFromMemory(f.Select(v => (Float16)v).ToArray(), data.Shape),
        (int[] i, TensorElementType.Int32) => OrtValue.CreateTensorValueFromMemory(i, data.Shape),
        (int[] i, TensorElementType.Int64) => OrtValue.CreateTensorValueFromMemory(i.Select(v => (long)v).ToArray(), data.Shape),
        (long[] l, TensorElementType.Int64) => OrtValue.CreateTensorValueFromMemory(l, data.Shape),
        (long[] l, TensorElementType.Int32) => OrtValue.CreateTensorValueFromMemory(l.Select(v => (int)v).ToArray(), data.Shape),
        _ => throw new ArgumentException($"cannot feed {data.Values.GetType().Name} to a {type} input"),
    };

    private static TensorData FromOrt(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        return info.ElementDataType switch
        {
            TensorElementType.Float => new TensorData(value.GetTensorDataAsSpan<float>().ToArray(), info.Shape),
            TensorElementType.Float16 => new TensorData(value.GetTensorDataAsSpan<Float16>().ToArray().Select(v => (float)v).ToArray(), info.Shape),
            TensorElementType.Int64 => new TensorData(value.GetTensorDataAsSpan<long>().ToArray(), info.Shape),
            TensorElementType.Int32 => new TensorData(value.GetTensorDataAsSpan<int>().ToArray(), info.Shape),
            _ => throw new NotSupportedException($"output type {info.ElementDataType}"),
        };
    }
}
