using Dice.Torch.Native;

namespace Dice.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        private Tensor Unary(UnaryOp op) => new(Check.Handle(NativeMethods.dt_unary((int)op, Handle)));

        private Tensor Binary(BinaryOp op, Tensor other, double alpha = 1) =>
            new(Check.Handle(NativeMethods.dt_binary((int)op, Handle, Require(other).Handle, alpha)));

        private Tensor Binary(BinaryOp op, double scalar) =>
            new(Check.Handle(NativeMethods.dt_binary_scalar((int)op, Handle, scalar)));

        private Tensor InPlace(BinaryOp op, Tensor other, double alpha = 1)
        {
            Check.Status(NativeMethods.dt_binary_((int)op, Handle, Require(other).Handle, alpha));
            return this;
        }

        private Tensor InPlace(BinaryOp op, double scalar)
        {
            Check.Status(NativeMethods.dt_binary_scalar_((int)op, Handle, scalar));
            return this;
        }

        private unsafe Tensor Reduce(ReduceOp op, long[]? dims, bool keepdim)
        {
            dims ??= [];
            fixed (long* d = dims)
            {
                return new Tensor(Check.Handle(NativeMethods.dt_reduce((int)op, Handle, d, dims.Length, keepdim ? 1 : 0)));
            }
        }

        // ----- elementwise ---------------------------------------------------------------------------

        public Tensor neg() => Unary(UnaryOp.Neg);
        public Tensor exp() => Unary(UnaryOp.Exp);
        public Tensor log() => Unary(UnaryOp.Log);
        public Tensor sqrt() => Unary(UnaryOp.Sqrt);
        public Tensor rsqrt() => Unary(UnaryOp.Rsqrt);
        public Tensor abs() => Unary(UnaryOp.Abs);
        public Tensor sigmoid() => Unary(UnaryOp.Sigmoid);
        public Tensor tanh() => Unary(UnaryOp.Tanh);
        public Tensor relu() => Unary(UnaryOp.Relu);
        public Tensor sin() => Unary(UnaryOp.Sin);
        public Tensor cos() => Unary(UnaryOp.Cos);
        public Tensor square() => Unary(UnaryOp.Square);
        public Tensor reciprocal() => Unary(UnaryOp.Reciprocal);
        public Tensor erf() => Unary(UnaryOp.Erf);
        public Tensor floor() => Unary(UnaryOp.Floor);
        public Tensor sign() => Unary(UnaryOp.Sign);
        public Tensor logical_not() => Unary(UnaryOp.LogicalNot);

        internal Tensor silu() => Unary(UnaryOp.Silu);
        internal Tensor gelu(bool tanhApproximation) => Unary(tanhApproximation ? UnaryOp.GeluTanh : UnaryOp.Gelu);

        public Tensor add(Tensor other, double alpha = 1) => Binary(BinaryOp.Add, other, alpha);
        public Tensor add(double scalar) => Binary(BinaryOp.Add, scalar);
        public Tensor sub(Tensor other, double alpha = 1) => Binary(BinaryOp.Sub, other, alpha);
        public Tensor sub(double scalar) => Binary(BinaryOp.Sub, scalar);
        public Tensor mul(Tensor other) => Binary(BinaryOp.Mul, other);
        public Tensor mul(double scalar) => Binary(BinaryOp.Mul, scalar);
        public Tensor div(Tensor other) => Binary(BinaryOp.Div, other);
        public Tensor div(double scalar) => Binary(BinaryOp.Div, scalar);
        public Tensor pow(Tensor exponent) => Binary(BinaryOp.Pow, exponent);
        public Tensor pow(double exponent) => Binary(BinaryOp.Pow, exponent);
        public Tensor maximum(Tensor other) => Binary(BinaryOp.Maximum, other);
        public Tensor minimum(Tensor other) => Binary(BinaryOp.Minimum, other);
        public Tensor eq(Tensor other) => Binary(BinaryOp.Eq, other);
        public Tensor eq(double scalar) => Binary(BinaryOp.Eq, scalar);
        public Tensor ne(Tensor other) => Binary(BinaryOp.Ne, other);
        public Tensor ne(double scalar) => Binary(BinaryOp.Ne, scalar);
        public Tensor lt(Tensor other) => Binary(BinaryOp.Lt, other);
        public Tensor lt(double scalar) => Binary(BinaryOp.Lt, scalar);
        public Tensor le(Tensor other) => Binary(BinaryOp.Le, other);
        public Tensor le(double scalar) => Binary(BinaryOp.Le, scalar);
        public Tensor gt(Tensor other) => Binary(BinaryOp.Gt, other);
        public Tensor gt(double scalar) => Binary(BinaryOp.Gt, scalar);
        public Tensor ge(Tensor other) => Binary(BinaryOp.Ge, other);
        public Tensor ge(double scalar) => Binary(BinaryOp.Ge, scalar);
        public Tensor logical_and(Tensor other) => Binary(BinaryOp.LogicalAnd, other);
        public Tensor logical_or(Tensor other) => Binary(BinaryOp.LogicalOr, other);

        public Tensor clamp(double? min = null, double? max = null) =>
            new(Check.Handle(NativeMethods.dt_clamp(Handle, min ?? 0, max ?? 0, min.HasValue ? 1 : 0, max.HasValue ? 1 : 0)));

        public Tensor masked_fill(Tensor mask, double value) =>
            new(Check.Handle(NativeMethods.dt_masked_fill(Handle, Require(mask).Handle, value)));

        public Tensor triu(long diagonal = 0) => new(Check.Handle(NativeMethods.dt_triu(Handle, diagonal)));

        public Tensor tril(long diagonal = 0) => new(Check.Handle(NativeMethods.dt_tril(Handle, diagonal)));

        // ----- in place (for optimisers; no autograd through them) -------------------------------------

        public Tensor add_(Tensor other, double alpha = 1) => InPlace(BinaryOp.Add, other, alpha);
        public Tensor add_(double scalar) => InPlace(BinaryOp.Add, scalar);
        public Tensor sub_(Tensor other, double alpha = 1) => InPlace(BinaryOp.Sub, other, alpha);
        public Tensor mul_(Tensor other) => InPlace(BinaryOp.Mul, other);
        public Tensor mul_(double scalar) => InPlace(BinaryOp.Mul, scalar);
        public Tensor div_(Tensor other) => InPlace(BinaryOp.Div, other);
        public Tensor div_(double scalar) => InPlace(BinaryOp.Div, scalar);

        /// <summary>this += value · t1 · t2</summary>
        public Tensor addcmul_(Tensor t1, Tensor t2, double value = 1)
        {
            Check.Status(NativeMethods.dt_addcmul_(Handle, Require(t1).Handle, Require(t2).Handle, value));
            return this;
        }

        /// <summary>this += value · t1 / t2</summary>
        public Tensor addcdiv_(Tensor t1, Tensor t2, double value = 1)
        {
            Check.Status(NativeMethods.dt_addcdiv_(Handle, Require(t1).Handle, Require(t2).Handle, value));
            return this;
        }

        // ----- reductions ----------------------------------------------------------------------------

        public Tensor sum() => Reduce(ReduceOp.Sum, null, false);
        public Tensor sum(long[] dim, bool keepdim = false) => Reduce(ReduceOp.Sum, dim, keepdim);
        public Tensor sum(long dim, bool keepdim = false) => Reduce(ReduceOp.Sum, [dim], keepdim);
        public Tensor mean() => Reduce(ReduceOp.Mean, null, false);
        public Tensor mean(long[] dim, bool keepdim = false) => Reduce(ReduceOp.Mean, dim, keepdim);
        public Tensor mean(long dim, bool keepdim = false) => Reduce(ReduceOp.Mean, [dim], keepdim);
        public Tensor amax(long[] dim, bool keepdim = false) => Reduce(ReduceOp.Amax, dim, keepdim);
        public Tensor amin(long[] dim, bool keepdim = false) => Reduce(ReduceOp.Amin, dim, keepdim);
        public Tensor max() => Reduce(ReduceOp.Amax, null, false);
        public Tensor min() => Reduce(ReduceOp.Amin, null, false);

        public Tensor argmax(long dim, bool keepdim = false) => new(Check.Handle(NativeMethods.dt_argmax(Handle, dim, keepdim ? 1 : 0)));

        // ----- shapes and indexing -------------------------------------------------------------------

        public unsafe Tensor reshape(params long[] shape)
        {
            ArgumentNullException.ThrowIfNull(shape);
            fixed (long* s = shape)
            {
                return new Tensor(Check.Handle(NativeMethods.dt_reshape(Handle, s, shape.Length)));
            }
        }

        public Tensor view(params long[] shape) => reshape(shape);

        public unsafe Tensor permute(params long[] order)
        {
            ArgumentNullException.ThrowIfNull(order);
            fixed (long* o = order)
            {
                return new Tensor(Check.Handle(NativeMethods.dt_permute(Handle, o, order.Length)));
            }
        }

        public Tensor transpose(long dim0, long dim1) => new(Check.Handle(NativeMethods.dt_transpose(Handle, dim0, dim1)));

        public Tensor unsqueeze(long dim) => new(Check.Handle(NativeMethods.dt_unsqueeze(Handle, dim)));

        public Tensor squeeze(long dim) => new(Check.Handle(NativeMethods.dt_squeeze(Handle, dim)));

        public Tensor flatten(long start_dim = 0, long end_dim = -1) =>
            new(Check.Handle(NativeMethods.dt_flatten(Handle, start_dim, end_dim)));

        public unsafe Tensor expand(params long[] shape)
        {
            ArgumentNullException.ThrowIfNull(shape);
            fixed (long* s = shape)
            {
                return new Tensor(Check.Handle(NativeMethods.dt_expand(Handle, s, shape.Length)));
            }
        }

        public Tensor narrow(long dim, long start, long length) => new(Check.Handle(NativeMethods.dt_narrow(Handle, dim, start, length)));

        public Tensor select(long dim, long index) => new(Check.Handle(NativeMethods.dt_select(Handle, dim, index)));

        public Tensor index_select(long dim, Tensor index) =>
            new(Check.Handle(NativeMethods.dt_index_select(Handle, dim, Require(index).Handle)));

        public Tensor gather(long dim, Tensor index) => new(Check.Handle(NativeMethods.dt_gather(Handle, dim, Require(index).Handle)));

        /// <summary>Splits into pieces of the given sizes along <paramref name="dim"/>.</summary>
        public unsafe Tensor[] split(long[] sizes, long dim = 0)
        {
            ArgumentNullException.ThrowIfNull(sizes);
            var handles = new IntPtr[sizes.Length];
            fixed (long* s = sizes)
            fixed (IntPtr* o = handles)
            {
                Check.Status(NativeMethods.dt_split(Handle, s, sizes.Length, dim, o));
            }
            return handles.Select(h => new Tensor(h)).ToArray();
        }

        /// <summary>Splits into pieces of <paramref name="size"/> (the last may be smaller).</summary>
        public Tensor[] split(long size, long dim = 0)
        {
            if (size <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(size), "split size must be positive");
            }
            var length = this.size((int)dim);
            var sizes = new List<long>();
            for (var at = 0L; at < length; at += size)
            {
                sizes.Add(Math.Min(size, length - at));
            }
            return split(sizes.ToArray(), dim);
        }

        /// <summary>Splits into <paramref name="chunks"/> pieces of equal size (the last may be smaller), as PyTorch does.</summary>
        public Tensor[] chunk(long chunks, long dim = 0)
        {
            if (chunks <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(chunks), "chunk count must be positive");
            }
            var length = size((int)dim);
            return split(Math.Max(1, (length + chunks - 1) / chunks), dim);
        }

        // ----- linear algebra ------------------------------------------------------------------------

        public Tensor matmul(Tensor other) => new(Check.Handle(NativeMethods.dt_matmul(Handle, Require(other).Handle)));

        public Tensor bmm(Tensor other) => new(Check.Handle(NativeMethods.dt_bmm(Handle, Require(other).Handle)));

        public Tensor softmax(long dim) => new(Check.Handle(NativeMethods.dt_softmax(Handle, dim)));

        public Tensor log_softmax(long dim) => new(Check.Handle(NativeMethods.dt_log_softmax(Handle, dim)));

        // ----- operators -----------------------------------------------------------------------------

        public static Tensor operator +(Tensor a, Tensor b) => Require(a).add(b);
        public static Tensor operator +(Tensor a, double b) => Require(a).add(b);
        public static Tensor operator +(double a, Tensor b) => Require(b).add(a);
        public static Tensor operator -(Tensor a, Tensor b) => Require(a).sub(b);
        public static Tensor operator -(Tensor a, double b) => Require(a).sub(b);
        public static Tensor operator -(double a, Tensor b)
        {
            using var negated = Require(b).neg();
            return negated.add(a);
        }
        public static Tensor operator *(Tensor a, Tensor b) => Require(a).mul(b);
        public static Tensor operator *(Tensor a, double b) => Require(a).mul(b);
        public static Tensor operator *(double a, Tensor b) => Require(b).mul(a);
        public static Tensor operator /(Tensor a, Tensor b) => Require(a).div(b);
        public static Tensor operator /(Tensor a, double b) => Require(a).div(b);
        public static Tensor operator /(double a, Tensor b)
        {
            using var inverse = Require(b).reciprocal();
            return inverse.mul(a);
        }
        public static Tensor operator -(Tensor a) => Require(a).neg();
    }
}
