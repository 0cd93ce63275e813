using Dice.Torch.Native;

namespace Dice.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Stateless operations, as in <c>torch.nn.functional</c>.</summary>
        public static class functional
        {
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) =>
                new(Check.Handle(NativeMethods.dt_linear(Require(input).Handle, Require(weight).Handle, bias?.Handle ?? IntPtr.Zero)));

            public static unsafe Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0,
                long dilation = 1, long groups = 1) =>
                conv2d(input, weight, bias, [stride, stride], [padding, padding], [dilation, dilation], groups);

            public static unsafe Tensor conv2d(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[] padding,
                long[] dilation, long groups = 1)
            {
                RequirePair(stride, nameof(stride));
                RequirePair(padding, nameof(padding));
                RequirePair(dilation, nameof(dilation));
                fixed (long* s = stride)
                fixed (long* p = padding)
                fixed (long* d = dilation)
                {
                    return new Tensor(Check.Handle(NativeMethods.dt_conv2d(Require(input).Handle, Require(weight).Handle,
                        bias?.Handle ?? IntPtr.Zero, s, p, d, groups)));
                }
            }

            public static Tensor group_norm(Tensor input, long num_groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
                new(Check.Handle(NativeMethods.dt_group_norm(Require(input).Handle, num_groups, weight?.Handle ?? IntPtr.Zero,
                    bias?.Handle ?? IntPtr.Zero, eps)));

            public static unsafe Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null,
                double eps = 1e-5)
            {
                ArgumentNullException.ThrowIfNull(normalized_shape);
                fixed (long* s = normalized_shape)
                {
                    return new Tensor(Check.Handle(NativeMethods.dt_layer_norm(Require(input).Handle, s, normalized_shape.Length,
                        weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero, eps)));
                }
            }

            public static Tensor relu(Tensor input) => Require(input).relu();

            public static Tensor silu(Tensor input) => Require(input).silu();

            public static Tensor sigmoid(Tensor input) => Require(input).sigmoid();

            /// <summary>GELU: approximate "none" (exact, erf) or "tanh".</summary>
            public static Tensor gelu(Tensor input, string approximate = "none") => approximate switch
            {
                "none" => Require(input).gelu(false),
                "tanh" => Require(input).gelu(true),
                _ => throw new ArgumentException($"unknown GELU approximation '{approximate}': use none or tanh", nameof(approximate)),
            };

            /// <summary>x·sigmoid(1.702x), CLIP's activation.</summary>
            public static Tensor quick_gelu(Tensor input)
            {
                using var scaled = Require(input).mul(1.702);
                using var gate = scaled.sigmoid();
                return input.mul(gate);
            }

            public static Tensor softmax(Tensor input, long dim) => Require(input).softmax(dim);

            public static Tensor log_softmax(Tensor input, long dim) => Require(input).log_softmax(dim);

            /// <summary>softmax(q·kᵀ·scale + mask)·v over the last two dims. Mask: bool (true = attend) or additive.</summary>
            public static Tensor scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask = null,
                bool is_causal = false, double? scale = null) =>
                new(Check.Handle(NativeMethods.dt_scaled_dot_product_attention(Require(query).Handle, Require(key).Handle,
                    Require(value).Handle, attn_mask?.Handle ?? IntPtr.Zero, is_causal ? 1 : 0, scale ?? 0)));

            /// <summary>Nearest-neighbour resize of an NCHW tensor by an integer factor.</summary>
            public static Tensor interpolate(Tensor input, double scale_factor, string mode = "nearest")
            {
                if (mode != "nearest")
                {
                    throw new ArgumentException($"interpolation mode '{mode}' is not supported: use nearest", nameof(mode));
                }
                var s = Require(input).shape;
                if (s.Length != 4)
                {
                    throw new ArgumentException($"interpolate expects an NCHW tensor, got shape [{string.Join(", ", s)}]", nameof(input));
                }
                var h = (long)Math.Floor(s[2] * scale_factor);
                var w = (long)Math.Floor(s[3] * scale_factor);
                return new Tensor(Check.Handle(NativeMethods.dt_upsample_nearest2d(input.Handle, h, w)));
            }

            public static Tensor embedding(Tensor input, Tensor weight) =>
                new(Check.Handle(NativeMethods.dt_embedding(Require(weight).Handle, Require(input).Handle)));

            /// <summary>Constant padding; <paramref name="pad"/> lists (before, after) pairs from the last dim backwards.</summary>
            public static unsafe Tensor pad(Tensor input, long[] pad, double value = 0)
            {
                ArgumentNullException.ThrowIfNull(pad);
                fixed (long* p = pad)
                {
                    return new Tensor(Check.Handle(NativeMethods.dt_pad(Require(input).Handle, p, pad.Length, value)));
                }
            }

            public static Tensor l1_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
            {
                using var diff = Require(input).sub(target);
                using var abs = diff.abs();
                return Reduce(abs, reduction);
            }

            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
            {
                using var diff = Require(input).sub(target);
                using var squared = diff.square();
                return Reduce(squared, reduction);
            }

            /// <summary>Cross-entropy of logits [N, C] against int64 class indices [N].</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
            {
                using var logp = Require(input).log_softmax(1);
                using var index = Require(target).unsqueeze(1);
                using var picked = logp.gather(1, index);
                using var nll = picked.neg();
                using var flat = nll.squeeze(1);
                return Reduce(flat, reduction);
            }

            private static Tensor Reduce(Tensor t, Reduction reduction) => reduction switch
            {
                Reduction.Mean => t.mean(),
                Reduction.Sum => t.sum(),
                Reduction.None => t.alias(),
                _ => throw new ArgumentOutOfRangeException(nameof(reduction)),
            };

            private static void RequirePair(long[] values, string name)
            {
                ArgumentNullException.ThrowIfNull(values, name);
                if (values.Length != 2)
                {
                    throw new ArgumentException($"{name} needs two values (height, width), got {values.Length}", name);
                }
            }
        }

        /// <summary>How a loss reduces over elements.</summary>
        public enum Reduction
        {
            None,
            Mean,
            Sum,
        }
    }
}
