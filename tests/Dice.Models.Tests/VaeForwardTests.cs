using Dice.Models.Vae;
using Dice.Trainer;
using static Dice.Models.Tests.BlocksTorchChecks;
using static TorchSharp.torch;

namespace Dice.Models.Tests;

public class VaeForwardTests
{
    [Theory]
    [InlineData(1, 64, 64)]
    [InlineData(2, 32, 48)]
    [InlineData(2, 48, 16)]
    public void Encode_shrinks_eight_times_and_decode_grows_eight_times(long batch, long height, long width)
    {
        var config = AutoencoderKLConfig.Tiny();
        using var ops = new TorchOps(seed: 1);
        var vae = new AutoencoderKL<Tensor>(ops, config);
        using var scope = NewDisposeScope();
        using var grad = no_grad();

        var image = rand([batch, 3, height, width]).Times(2).Minus(1);
        var moments = vae.Encode(image);
        Assert.Equal([batch, 8, height / 8, width / 8], moments.shape);
        AssertFinite(moments);

        var mean = vae.Encoder.ForwardMean(image);
        Assert.Equal([batch, 4, height / 8, width / 8], mean.shape);
        AssertClose(moments.narrow(1, 0, 4), mean, 0);

        var decoded = vae.Decode(mean);
        Assert.Equal([batch, 3, height, width], decoded.shape);
        AssertFinite(decoded);
    }

    [Fact]
    public void Encoder_and_decoder_built_alone_compute_what_the_full_model_does()
    {
        var config = AutoencoderKLConfig.Tiny();
        using var fullOps = new TorchOps(seed: 2);
        using var encoderOps = new TorchOps(seed: 3);
        using var decoderOps = new TorchOps(seed: 4);
        var vae = new AutoencoderKL<Tensor>(fullOps, config);
        var encoder = new VaeEncoder<Tensor>(encoderOps, config);
        var decoder = new VaeDecoder<Tensor>(decoderOps, config);
        var weights = fullOps.StateDict();
        encoderOps.LoadStateDict(encoderOps.StateDict().Keys.ToDictionary(k => k, k => weights[k]));
        decoderOps.LoadStateDict(decoderOps.StateDict().Keys.ToDictionary(k => k, k => weights[k]));
        Assert.Equal(fullOps.ParameterCount, encoderOps.ParameterCount + decoderOps.ParameterCount);
        using var scope = NewDisposeScope();
        using var grad = no_grad();

        var image = rand([1, 3, 16, 24]);
        var latents = randn([1, 4, 2, 3]);
        AssertClose(vae.Encode(image), encoder.Forward(image), 0);
        AssertClose(vae.Decode(latents), decoder.Forward(latents), 0);
    }

    [Fact]
    public void Samples_of_a_batch_do_not_interact()
    {
        using var ops = new TorchOps(seed: 5);
        var vae = new AutoencoderKL<Tensor>(ops, AutoencoderKLConfig.Tiny());
        using var scope = NewDisposeScope();
        using var grad = no_grad();

        var latents = randn([3, 4, 2, 4]);
        var batched = vae.Decode(latents);
        for (long i = 0; i < 3; i++)
        {
            AssertClose(vae.Decode(Sample(latents, i)), Sample(batched, i), 1e-4);
        }
    }
}
