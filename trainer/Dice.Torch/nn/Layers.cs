namespace Dice.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Uniform(−bound, bound) values, PyTorch's default initialisation for Linear and Conv2d.</summary>
        internal static Parameter UniformParameter(long[] shape, double bound)
        {
            using var u = rand(shape);
            using var scaled = u * (2 * bound);
            using var shifted = scaled - bound;
            return new Parameter(shifted);
        }

        /// <summary>y = x·Wᵀ + b. Weight [out, in].</summary>
        public sealed class Linear : Module<Tensor, Tensor>
        {
            public Linear(long in_features, long out_features, bool hasBias = true) : base(nameof(Linear))
            {
                var bound = 1.0 / Math.Sqrt(in_features);
                weight = UniformParameter([out_features, in_features], bound);
                bias = hasBias ? UniformParameter([out_features], bound) : null;
                register_parameter(nameof(weight), weight);
                if (bias is not null)
                {
                    register_parameter(nameof(bias), bias);
                }
            }

            public Parameter weight { get; }

            public Parameter? bias { get; }

            public override Tensor forward(Tensor input) => functional.linear(input, weight, bias);
        }

        /// <summary>2-D convolution over NCHW. Weight [out, in/groups, kh, kw].</summary>
        public sealed class Conv2d : Module<Tensor, Tensor>
        {
            private readonly long stride;
            private readonly long padding;
            private readonly long groups;

            public Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, bool bias = true,
                long groups = 1) : base(nameof(Conv2d))
            {
                this.stride = stride;
                this.padding = padding;
                this.groups = groups;
                var fanIn = in_channels / groups * kernel_size * kernel_size;
                var bound = 1.0 / Math.Sqrt(fanIn);
                weight = UniformParameter([out_channels, in_channels / groups, kernel_size, kernel_size], bound);
                this.bias = bias ? UniformParameter([out_channels], bound) : null;
                register_parameter(nameof(weight), weight);
                if (this.bias is not null)
                {
                    register_parameter(nameof(bias), this.bias);
                }
            }

            public Parameter weight { get; }

            public Parameter? bias { get; }

            public override Tensor forward(Tensor input) =>
                functional.conv2d(input, weight, bias, stride: stride, padding: padding, groups: groups);
        }

        /// <summary>Group normalisation over NC… with a per-channel affine transform.</summary>
        public sealed class GroupNorm : Module<Tensor, Tensor>
        {
            private readonly long groups;
            private readonly double eps;

            public GroupNorm(long num_groups, long num_channels, double eps = 1e-5, bool affine = true) : base(nameof(GroupNorm))
            {
                if (num_channels % num_groups != 0)
                {
                    throw new ArgumentException($"{num_channels} channels do not split into {num_groups} groups", nameof(num_groups));
                }
                groups = num_groups;
                this.eps = eps;
                if (affine)
                {
                    weight = new Parameter(ones([num_channels]));
                    bias = new Parameter(zeros([num_channels]));
                    register_parameter(nameof(weight), weight);
                    register_parameter(nameof(bias), bias);
                }
            }

            public Parameter? weight { get; }

            public Parameter? bias { get; }

            public override Tensor forward(Tensor input) => functional.group_norm(input, groups, weight, bias, eps);
        }

        /// <summary>Layer normalisation over the trailing dims.</summary>
        public sealed class LayerNorm : Module<Tensor, Tensor>
        {
            private readonly long[] normalizedShape;
            private readonly double eps;

            public LayerNorm(long normalized_shape, double eps = 1e-5) : base(nameof(LayerNorm))
            {
                normalizedShape = [normalized_shape];
                this.eps = eps;
                weight = new Parameter(ones([normalized_shape]));
                bias = new Parameter(zeros([normalized_shape]));
                register_parameter(nameof(weight), weight);
                register_parameter(nameof(bias), bias);
            }

            public Parameter weight { get; }

            public Parameter bias { get; }

            public override Tensor forward(Tensor input) => functional.layer_norm(input, normalizedShape, weight, bias, eps);
        }

        /// <summary>A lookup table [num_embeddings, dim] indexed by int64 ids, initialised N(0, 1).</summary>
        public sealed class Embedding : Module<Tensor, Tensor>
        {
            public Embedding(long num_embeddings, long embedding_dim) : base(nameof(Embedding))
            {
                using var init = randn([num_embeddings, embedding_dim]);
                weight = new Parameter(init);
                register_parameter(nameof(weight), weight);
            }

            public Parameter weight { get; }

            public override Tensor forward(Tensor input) => functional.embedding(input, weight);
        }
    }
}
