using System.Globalization;
using Dice.Torch.Native;

namespace Dice.Torch;

public static partial class torch
{
    /// <summary>
    /// A libtorch tensor. Owns one native handle; dispose it (or let a <see cref="DisposeScope"/> do it) to free
    /// the memory at once. Operations return new tensors; methods ending in '_' work in place.
    /// </summary>
    public partial class Tensor : IDisposable
    {
        private IntPtr handle;

        internal Tensor(IntPtr handle)
        {
            this.handle = handle;
            DisposeScope.Register(this);
        }

        ~Tensor() => Free();

        internal DisposeScope? Scope { get; set; }

        internal IntPtr Handle =>
            handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Tensor), "the tensor was disposed");

        public bool IsInvalid => handle == IntPtr.Zero;

        // ----- properties ---------------------------------------------------------------------------

        public unsafe long[] shape
        {
            get
            {
                var n = NativeMethods.dt_ndim(Handle);
                if (n < 0)
                {
                    throw new TorchException(Check.LastError());
                }
                var s = new long[n];
                fixed (long* p = s)
                {
                    Check.Status(NativeMethods.dt_shape(Handle, p));
                }
                return s;
            }
        }

        public long ndim => NativeMethods.dt_ndim(Handle);

        public long Dimensions => ndim;

        public long numel() => shape.Aggregate(1L, (a, b) => a * b);

        public long size(int dim)
        {
            var s = shape;
            return s[dim < 0 ? dim + s.Length : dim];
        }

        public ScalarType dtype
        {
            get
            {
                var code = NativeMethods.dt_dtype(Handle);
                return code >= 0 ? (ScalarType)code : throw new TorchException(Check.LastError());
            }
        }

        public Device device
        {
            get
            {
                Check.Status(NativeMethods.dt_device(Handle, out var type, out var index));
                return new Device((DeviceType)type, index);
            }
        }

        public bool requires_grad
        {
            get => NativeMethods.dt_requires_grad(Handle) == 1;
            set => Check.Status(NativeMethods.dt_set_requires_grad(Handle, value ? 1 : 0));
        }

        public Tensor requires_grad_(bool requires = true)
        {
            requires_grad = requires;
            return this;
        }

        /// <summary>The accumulated gradient, or null when backward has not reached this tensor.</summary>
        public Tensor? grad
        {
            get
            {
                Check.Status(NativeMethods.dt_grad(Handle, out var g));
                return g == IntPtr.Zero ? null : new Tensor(g);
            }
        }

        public void clear_grad() => Check.Status(NativeMethods.dt_clear_grad(Handle));

        public void backward(Tensor? gradient = null, bool retain_graph = false) =>
            Check.Status(NativeMethods.dt_backward(Handle, gradient?.Handle ?? IntPtr.Zero, retain_graph ? 1 : 0));

        // ----- data in and out -----------------------------------------------------------------------

        /// <summary>Copies the elements out (row-major). T must match the dtype.</summary>
        public unsafe T[] data<T>() where T : unmanaged
        {
            var expected = DTypes.Of<T>();
            var actual = dtype;
            if (expected != actual)
            {
                throw new InvalidOperationException($"tensor has dtype {actual}; read it as that type or convert it with to({expected}) first");
            }
            var result = new T[numel()];
            fixed (T* p = result)
            {
                Check.Status(NativeMethods.dt_copy_to(Handle, p, (long)result.Length * sizeof(T)));
            }
            return result;
        }

        /// <summary>The single value of a one-element tensor.</summary>
        public double item()
        {
            Check.Status(NativeMethods.dt_item(Handle, out var v));
            return v;
        }

        public T item<T>() where T : unmanaged => (T)Convert.ChangeType(item(), typeof(T), CultureInfo.InvariantCulture);

        public bool equal(Tensor other)
        {
            Check.Status(NativeMethods.dt_equal(Handle, Require(other).Handle, out var eq));
            return eq != 0;
        }

        /// <summary>|a − b| ≤ atol + rtol·|b| everywhere (and same shape).</summary>
        public bool allclose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
        {
            using var scope = NewDisposeScope();
            var diff = (this - other).abs();
            var bound = other.abs() * rtol + atol;
            return diff.le(bound).logical_not().sum().item() == 0;
        }

        // ----- conversion and copies -----------------------------------------------------------------

        public Tensor to(ScalarType type) => new(Check.Handle(NativeMethods.dt_to(Handle, (int)type, -1, -1)));

        public Tensor to(Device target) => new(Check.Handle(NativeMethods.dt_to(Handle, -1, (int)target.type, target.index)));

        public Tensor to(Device target, ScalarType type) =>
            new(Check.Handle(NativeMethods.dt_to(Handle, (int)type, (int)target.type, target.index)));

        public Tensor cpu() => to(CPU);

        public Tensor cuda(int index = 0) => to(new Device(DeviceType.CUDA, index));

        public Tensor @float() => to(ScalarType.Float32);

        public Tensor @double() => to(ScalarType.Float64);

        public Tensor @long() => to(ScalarType.Int64);

        public Tensor detach() => new(Check.Handle(NativeMethods.dt_detach(Handle)));

        public Tensor clone() => new(Check.Handle(NativeMethods.dt_clone(Handle)));

        public Tensor contiguous() => new(Check.Handle(NativeMethods.dt_contiguous(Handle)));

        /// <summary>A second handle to the same tensor (same storage and autograd identity).</summary>
        public Tensor alias() => new(Check.Handle(NativeMethods.dt_alias(Handle)));

        /// <summary>Swaps in <paramref name="source"/>'s data, keeping this tensor's identity (PyTorch's
        /// <c>p.data = …</c>).</summary>
        public void set_data(Tensor source) => Check.Status(NativeMethods.dt_set_data(Handle, Require(source).Handle));

        public Tensor copy_(Tensor source)
        {
            Check.Status(NativeMethods.dt_copy_(Handle, Require(source).Handle));
            return this;
        }

        public Tensor fill_(double value)
        {
            Check.Status(NativeMethods.dt_fill_(Handle, value));
            return this;
        }

        public Tensor zero_() => fill_(0);

        // ----- dispose scopes ------------------------------------------------------------------------

        /// <summary>Keeps this tensor alive past the innermost scope by handing it to the enclosing one (or to
        /// nobody if there is none).</summary>
        public Tensor MoveToOuterDisposeScope()
        {
            var scope = Scope;
            if (scope is not null)
            {
                var outer = scope.Outer();
                scope.Release(this);
                outer?.Adopt(this);
            }
            return this;
        }

        /// <summary>Takes this tensor out of every scope: the caller disposes it.</summary>
        public Tensor DetachFromDisposeScope()
        {
            Scope?.Release(this);
            return this;
        }

        public void Dispose()
        {
            Free();
            GC.SuppressFinalize(this);
        }

        protected virtual void Free()
        {
            var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
            if (h != IntPtr.Zero)
            {
                NativeMethods.dt_free(h);
            }
        }

        public override string ToString() =>
            IsInvalid ? "Tensor(disposed)" : $"Tensor([{string.Join(", ", shape)}], {dtype}, {device})";
    }
}
