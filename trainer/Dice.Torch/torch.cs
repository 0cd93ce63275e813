using System.Runtime.InteropServices;
using Dice.Torch.Native;

namespace Dice.Torch;

/// <summary>
/// Entry point of Dice's libtorch binding. Names follow TorchSharp (and so PyTorch), so code reads the same:
/// <c>torch.zeros([2, 3])</c>, <c>torch.nn.functional.silu(x)</c>, <c>using (torch.no_grad()) { … }</c>.
/// </summary>
public static partial class torch
{
    /// <summary>Element types; the numbers are libtorch's (c10::ScalarType).</summary>
    public enum ScalarType
    {
        Byte = 0,
        Int8 = 1,
        Int16 = 2,
        Int32 = 3,
        Int64 = 4,
        Float16 = 5,
        Float32 = 6,
        Float64 = 7,
        Bool = 11,
        BFloat16 = 15,
    }

    public const ScalarType uint8 = ScalarType.Byte;
    public const ScalarType int8 = ScalarType.Int8;
    public const ScalarType int16 = ScalarType.Int16;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType float16 = ScalarType.Float16;
    public const ScalarType half = ScalarType.Float16;
    public const ScalarType bfloat16 = ScalarType.BFloat16;
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType @bool = ScalarType.Bool;

    public static readonly Device CPU = new(DeviceType.CPU);
    public static readonly Device CUDA = new(DeviceType.CUDA, 0);

    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public static Device device(string spec) => Device.Parse(spec);

    /// <summary>Version of the libtorch the shim was built against, e.g. "1.13.1".</summary>
    public static string __version__ => Marshal.PtrToStringUTF8(NativeMethods.dt_torch_version()) ?? "unknown";

    /// <summary>Number of tensors alive in native memory (for leak checks).</summary>
    public static long live_tensor_count() => NativeMethods.dt_live_tensors();

    public static void manual_seed(ulong seed) => Check.Status(NativeMethods.dt_manual_seed(seed));

    public static int get_num_threads() => NativeMethods.dt_get_num_threads();

    public static void set_num_threads(int threads) => Check.Status(NativeMethods.dt_set_num_threads(threads));

    public static bool is_grad_enabled() => NativeMethods.dt_is_grad_enabled() != 0;

    /// <summary>Sets gradient recording on this thread; disposing the result restores the previous state.</summary>
    public static IDisposable set_grad_enabled(bool enabled)
    {
        var previous = is_grad_enabled();
        Check.Status(NativeMethods.dt_set_grad_enabled(enabled ? 1 : 0));
        return new GradModeRestorer(previous);
    }

    public static IDisposable no_grad() => set_grad_enabled(false);

    public static IDisposable enable_grad() => set_grad_enabled(true);

    /// <summary>Opens a scope that disposes every tensor created on this thread until it is disposed.</summary>
    public static DisposeScope NewDisposeScope() => DisposeScope.Open();

    // ----- creation -----------------------------------------------------------------------------------

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape (1-D if none).</summary>
    public static unsafe Tensor tensor<T>(T[] data, long[]? shape = null, Device? device = null, bool requires_grad = false)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        shape ??= [data.LongLength];
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.LongLength)
        {
            throw new ArgumentException(
                $"data holds {data.LongLength} elements but shape [{string.Join(", ", shape)}] needs {count}", nameof(shape));
        }
        var dtype = DTypes.Of<T>();
        var d = device ?? CPU;
        IntPtr handle;
        fixed (T* p = data)
        fixed (long* s = shape)
        {
            handle = NativeMethods.dt_from_data(p, (int)dtype, s, shape.Length, (int)d.type, d.index);
        }
        var t = new Tensor(Check.Handle(handle));
        if (requires_grad)
        {
            t.requires_grad = true;
        }
        return t;
    }

    /// <summary>A tensor from raw little-endian element bytes of the given dtype (e.g. bfloat16 bits).</summary>
    public static unsafe Tensor from_bytes(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count * DTypes.ElementSize(dtype) != bytes.Length)
        {
            throw new ArgumentException(
                $"{bytes.Length} bytes do not hold [{string.Join(", ", shape)}] elements of {dtype}", nameof(bytes));
        }
        var d = device ?? CPU;
        fixed (byte* p = bytes)
        fixed (long* s = shape)
        {
            return new Tensor(Check.Handle(NativeMethods.dt_from_data(p, (int)dtype, s, shape.Length, (int)d.type, d.index)));
        }
    }

    /// <summary>A scalar (0-dimensional) tensor.</summary>
    public static Tensor tensor(double value, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        full([], value, dtype, device);

    public static unsafe Tensor full(long[] shape, double value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var d = device ?? CPU;
        IntPtr handle;
        fixed (long* s = shape)
        {
            handle = NativeMethods.dt_full(s, shape.Length, value, (int)(dtype ?? ScalarType.Float32), (int)d.type, d.index);
        }
        var t = new Tensor(Check.Handle(handle));
        if (requires_grad)
        {
            t.requires_grad = true;
        }
        return t;
    }

    public static Tensor zeros(long[] shape, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        full(shape, 0, dtype, device, requires_grad);

    public static Tensor ones(long[] shape, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        full(shape, 1, dtype, device, requires_grad);

    public static Tensor zeros_like(Tensor other) => full(Require(other).shape, 0, other.dtype, other.device);

    public static Tensor ones_like(Tensor other) => full(Require(other).shape, 1, other.dtype, other.device);

    public static Tensor arange(double start, double end, double step = 1, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? CPU;
        return new Tensor(Check.Handle(NativeMethods.dt_arange(start, end, step, (int)(dtype ?? ScalarType.Int64), (int)d.type, d.index)));
    }

    /// <summary>Standard normal samples. With a generator, samples are drawn on the CPU and then moved, so a
    /// seed gives the same numbers on every device.</summary>
    public static Tensor randn(long[] shape, ScalarType? dtype = null, Device? device = null, Generator? generator = null) =>
        Random(0, shape, dtype, device, generator);

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor rand(long[] shape, ScalarType? dtype = null, Device? device = null, Generator? generator = null) =>
        Random(1, shape, dtype, device, generator);

    public static Tensor randn_like(Tensor other, Generator? generator = null) =>
        randn(Require(other).shape, other.dtype, other.device, generator);

    /// <summary>Integers uniform in [low, high), int64.</summary>
    public static unsafe Tensor randint(long low, long high, long[] shape, Device? device = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var d = device ?? CPU;
        IntPtr handle;
        fixed (long* s = shape)
        {
            handle = NativeMethods.dt_randint(low, high, s, shape.Length, generator?.Handle ?? IntPtr.Zero, (int)d.type, d.index);
        }
        return new Tensor(Check.Handle(handle));
    }

    private static unsafe Tensor Random(int kind, long[] shape, ScalarType? dtype, Device? device, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var d = device ?? CPU;
        IntPtr handle;
        fixed (long* s = shape)
        {
            handle = NativeMethods.dt_random(kind, s, shape.Length, generator?.Handle ?? IntPtr.Zero,
                (int)(dtype ?? ScalarType.Float32), (int)d.type, d.index);
        }
        return new Tensor(Check.Handle(handle));
    }

    // ----- functions over several tensors ---------------------------------------------------------------

    public static unsafe Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = Handles(tensors);
        fixed (IntPtr* p = handles)
        {
            return new Tensor(Check.Handle(NativeMethods.dt_cat(p, handles.Length, dim)));
        }
    }

    public static unsafe Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = Handles(tensors);
        fixed (IntPtr* p = handles)
        {
            return new Tensor(Check.Handle(NativeMethods.dt_stack(p, handles.Length, dim)));
        }
    }

    public static Tensor where(Tensor condition, Tensor a, Tensor b) =>
        new(Check.Handle(NativeMethods.dt_where(Require(condition).Handle, Require(a).Handle, Require(b).Handle)));

    public static Tensor matmul(Tensor a, Tensor b) => Require(a).matmul(b);

    public static Tensor bmm(Tensor a, Tensor b) => Require(a).bmm(b);

    /// <summary>Exact equality of shape and every element.</summary>
    public static bool equal(Tensor a, Tensor b) => Require(a).equal(b);

    private static IntPtr[] Handles(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("expected at least one tensor", nameof(tensors));
        }
        return tensors.Select(t => Require(t).Handle).ToArray();
    }

    internal static Tensor Require(Tensor? t, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(t))] string? name = null) =>
        t ?? throw new ArgumentNullException(name);

    /// <summary>CUDA queries. False/0 on a CPU-only libtorch or a machine without a GPU.</summary>
    public static class cuda
    {
        public static bool is_available() => NativeMethods.dt_cuda_is_available() != 0;

        public static int device_count() => NativeMethods.dt_cuda_device_count();
    }

    private sealed class GradModeRestorer(bool previous) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                Check.Status(NativeMethods.dt_set_grad_enabled(previous ? 1 : 0));
            }
        }
    }
}
