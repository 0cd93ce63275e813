using Dice.Onnx;
using Onnx;

namespace Dice.Tests.Shared;

/// <summary>Y = Relu(X·W + B) with X [batch, 3], built with OnnxGraphBuilder, and the same computed in C#.</summary>
internal static class LinearReluModel
{
    public const int InputWidth = 3;
    public const int OutputWidth = 4;

    public static readonly float[] Weights =
    [
        0.5f, -1.0f, 2.0f, 0.25f,
        -0.75f, 1.5f, 0.0f, -2.0f,
        1.25f, 0.5f, -1.0f, 1.0f,
    ];

    public static readonly float[] Bias = [0.1f, -0.2f, 0.3f, -0.4f];

    public static OnnxGraphBuilder CreateBuilder()
    {
        var builder = new OnnxGraphBuilder("linear_relu");
        builder.AddInput("X", TensorProto.Types.DataType.Float, "batch", InputWidth);
        builder.AddInitializer("W", Weights, InputWidth, OutputWidth);
        builder.AddInitializer("B", Bias, OutputWidth);
        builder.AddNode("MatMul", ["X", "W"], ["XW"]);
        builder.AddNode("Add", ["XW", "B"], ["XWB"]);
        builder.AddNode("Relu", ["XWB"], ["Y"]);
        builder.AddOutput("Y", TensorProto.Types.DataType.Float, "batch", OutputWidth);
        return builder;
    }

    public static byte[] CreateBytes() => CreateBuilder().ToBytes();

    /// <summary>Inputs with positive and negative values so that Relu clips some outputs.</summary>
    public static float[] CreateInput(int batch)
    {
        var input = new float[batch * InputWidth];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = ((i * 7) % 11 - 5) * 0.3f;
        }

        return input;
    }

    public static float[] Compute(float[] input, int batch)
    {
        var output = new float[batch * OutputWidth];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < OutputWidth; j++)
            {
                float sum = Bias[j];
                for (int i = 0; i < InputWidth; i++)
                {
                    sum += input[b * InputWidth + i] * Weights[i * OutputWidth + j];
                }

                output[b * OutputWidth + j] = Math.Max(0f, sum);
            }
        }

        return output;
    }
}
