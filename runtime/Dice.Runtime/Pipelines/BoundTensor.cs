using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dice.Runtime.Pipelines;

/// <summary>
/// A tensor of a fixed shape and the element type a session asks for, held in managed memory that an OrtValue
/// wraps without copying: bind it once, then write into it before each run and read from it after.
/// Float data crosses as float32; a float16 tensor converts on the way in and out.
/// </summary>
internal sealed class BoundTensor : IDisposable
{
    private readonly float[]? float32;
    private readonly Float16[]? float16;
    private readonly long[]? int64;
    private readonly int[]? int32;

    private BoundTensor(TensorElementType type, long[] shape)
    {
        Type = type;
        Shape = shape;
        var count = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        Value = type switch
        {
            TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(float32 = new float[count], shape),
            TensorElementType.Float16 => OrtValue.CreateTensorValueFromMemory(float16 = new Float16[count], shape),
            TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(int64 = new long[count], shape),
            TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(int32 = new int[count], shape),
            _ => throw new NotSupportedException($"tensors of element type {type} are not supported (use float32, float16, int64 or int32)"),
        };
        Count = count;
    }

    public TensorElementType Type { get; }

    public long[] Shape { get; }

    public int Count { get; }

    public OrtValue Value { get; }

    public static BoundTensor Create(TensorElementType type, params long[] shape) => new(type, shape);

    public void Write(ReadOnlySpan<float> values, int offset = 0)
    {
        if (float32 is not null)
        {
            values.CopyTo(float32.AsSpan(offset));
        }
        else if (float16 is not null)
        {
            var target = MemoryMarshal.Cast<Float16, Half>(float16.AsSpan(offset, values.Length));
            for (var i = 0; i < values.Length; i++)
            {
                target[i] = (Half)values[i];
            }
        }
        else
        {
            throw new InvalidOperationException($"cannot write floats into a {Type} tensor");
        }
    }

    public void Read(Span<float> destination, int offset = 0)
    {
        if (float32 is not null)
        {
            float32.AsSpan(offset, destination.Length).CopyTo(destination);
        }
        else if (float16 is not null)
        {
            var source = MemoryMarshal.Cast<Float16, Half>(float16.AsSpan(offset, destination.Length));
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = (float)source[i];
            }
        }
        else
        {
            throw new InvalidOperationException($"cannot read floats from a {Type} tensor");
        }
    }

    /// <summary>Writes integers (token ids, timesteps); a float tensor receives them as floats.</summary>
    public void WriteIntegers(ReadOnlySpan<long> values)
    {
        if (int64 is not null)
        {
            values.CopyTo(int64);
        }
        else if (int32 is not null)
        {
            for (var i = 0; i < values.Length; i++)
            {
                int32[i] = checked((int)values[i]);
            }
        }
        else
        {
            var asFloat = new float[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                asFloat[i] = values[i];
            }
            Write(asFloat);
        }
    }

    /// <summary>Sets every element to <paramref name="value"/> (truncated toward zero in an integer tensor).</summary>
    public void Fill(float value)
    {
        if (float32 is not null)
        {
            float32.AsSpan().Fill(value);
        }
        else if (float16 is not null)
        {
            MemoryMarshal.Cast<Float16, Half>(float16.AsSpan()).Fill((Half)value);
        }
        else if (int64 is not null)
        {
            int64.AsSpan().Fill((long)value);
        }
        else
        {
            int32!.AsSpan().Fill((int)value);
        }
    }

    public void Dispose() => Value.Dispose();
}
