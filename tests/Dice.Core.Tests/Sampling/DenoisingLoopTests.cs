using Dice.Core.Sampling;
using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Sampling;

/// <summary>
/// The loop on DDIM (eta 0, ε-prediction, no clipping, final ᾱ 1) over 10 training steps of a constant β = 0.5, so
/// ᾱ_t = 0.5^(t+1). Two steps with leading spacing run t = 5 then t = 0. A constant prediction ε gives, by hand:
/// step 1: x̂0 = (x − √(1 − ᾱ_5)·ε) / √ᾱ_5 = 8x − √63·ε, x_1 = √ᾱ_0·x̂0 + √(1 − ᾱ_0)·ε;
/// step 2: x_2 = (x_1 − √(1 − ᾱ_0)·ε) / √ᾱ_0 = x̂0. So the final latents are 8x − √63·ε.
/// </summary>
public sealed class DenoisingLoopTests
{
    private static readonly SchedulerConfig HalvingBetas = new()
    {
        Source = "constant beta 0.5 over 10 steps",
        NumTrainTimesteps = 10,
        BetaStart = 0.5,
        BetaEnd = 0.5,
        BetaSchedule = BetaSchedule.Linear,
        PredictionType = PredictionType.Epsilon,
        TimestepSpacing = TimestepSpacing.Leading,
        StepsOffset = 0,
        SetAlphaToOne = true,
        ClipSample = false,
    };

    private static readonly float[] Noise = [1f, -0.5f, 0.25f, 2f];

    private static DdimScheduler TwoSteps()
    {
        var scheduler = new DdimScheduler(HalvingBetas);
        scheduler.SetTimesteps(2);
        return scheduler;
    }

    [Fact]
    public void One_prediction_per_step_without_guidance_steps_the_scheduler_with_it()
    {
        var denoiser = new ConstantDenoiser(conditional: 3f, unconditional: 1f);
        var latents = Noise.ToArray();
        DenoisingLoop.Run(TwoSteps(), denoiser, latents, guidanceScale: null);

        Assert.Equal(2, denoiser.SingleCalls);
        Assert.Equal(0, denoiser.PairCalls);
        Assert.Equal([5f, 0f], denoiser.Timesteps);
        // DDIM leaves the model input unscaled: the first call sees the noise itself (initial sigma 1).
        Assert.Equal(Noise, denoiser.FirstInput);
        AssertLatents(Noise.Select(x => 8.0 * x - Math.Sqrt(63) * 3), latents);
    }

    [Fact]
    public void Classifier_free_guidance_asks_for_both_predictions_once_per_step_and_combines_them()
    {
        var denoiser = new ConstantDenoiser(conditional: 3f, unconditional: 1f);
        var latents = Noise.ToArray();
        DenoisingLoop.Run(TwoSteps(), denoiser, latents, guidanceScale: 7.5f);

        Assert.Equal(0, denoiser.SingleCalls);
        Assert.Equal(2, denoiser.PairCalls);
        // ε = ε_u + w·(ε_c − ε_u) = 1 + 7.5·(3 − 1) = 16.
        AssertLatents(Noise.Select(x => 8.0 * x - Math.Sqrt(63) * 16), latents);
    }

    [Fact]
    public void Progress_counts_the_steps_and_a_cancelled_token_stops_before_any_prediction()
    {
        var reported = new List<StepProgress>();
        DenoisingLoop.Run(TwoSteps(), new ConstantDenoiser(0f, 0f), Noise.ToArray(), null, new InlineProgress<StepProgress>(reported.Add));
        Assert.Equal([new StepProgress(1, 2), new StepProgress(2, 2)], reported);

        var denoiser = new ConstantDenoiser(0f, 0f);
        Assert.Throws<OperationCanceledException>(() =>
            DenoisingLoop.Run(TwoSteps(), denoiser, Noise.ToArray(), null, cancellationToken: new CancellationToken(canceled: true)));
        Assert.Equal(0, denoiser.SingleCalls);
    }

    [Fact]
    public void A_scheduler_without_timesteps_is_refused()
    {
        Assert.Throws<ArgumentException>(() =>
            DenoisingLoop.Run(new DdimScheduler(HalvingBetas), new ConstantDenoiser(0f, 0f), Noise.ToArray(), null));
    }

    [Fact]
    public void Image_to_image_runs_from_its_start_step_only()
    {
        // Starting at step 1 runs t = 0 alone: x_2 = (x − √(1 − ᾱ_0)·ε) / √ᾱ_0 = √2·x − ε with ᾱ_0 = 0.5, ε = 3.
        var denoiser = new ConstantDenoiser(conditional: 3f, unconditional: 1f);
        var latents = Noise.ToArray();
        var reported = new List<StepProgress>();
        DenoisingLoop.RunFrom(TwoSteps(), denoiser, latents, startStep: 1, guidanceScale: null,
            progress: new InlineProgress<StepProgress>(reported.Add));

        Assert.Equal([0f], denoiser.Timesteps);
        Assert.Equal(Noise, denoiser.FirstInput);
        Assert.Equal([new StepProgress(1, 1)], reported);
        AssertLatents(Noise.Select(x => Math.Sqrt(2) * x - 3), latents);
        Assert.Throws<ArgumentOutOfRangeException>(() => DenoisingLoop.RunFrom(TwoSteps(), denoiser, Noise.ToArray(), 2, null));
    }

    [Fact]
    public void Guidance_rescale_matches_lin_et_al_by_hand_per_image()
    {
        // Two images of four values, w = 2, φ = 0.7. CFG: ε = ε_u + 2·(ε_c − ε_u).
        // Image 0: ε_u = 0, ε_c = [1, −1, 1, −1] → ε = [2, −2, 2, −2]; σ(ε_c)/σ(ε) = 1/2; factor 0.7/2 + 0.3 = 0.65.
        // Image 1: ε_u = [4, 3, 2, 1], ε_c = [1, 2, 3, 4] → ε = [−2, 1, 4, 7]; σ(ε_c)² = 1.25, σ(ε)² = 11.25, ratio 1/3;
        // factor 0.7/3 + 0.3 = 8/15.
        float[] pair = [0, 0, 0, 0, 4, 3, 2, 1, 1, -1, 1, -1, 1, 2, 3, 4];
        var prediction = new float[8];
        DenoisingLoop.Guide(pair, 2f, 0.7f, 2, prediction);
        double[] expected = [1.3, -1.3, 1.3, -1.3, -2 * 8 / 15.0, 8 / 15.0, 4 * 8 / 15.0, 7 * 8 / 15.0];
        Assert.All(expected.Zip(prediction), p => Assert.Equal(p.First, p.Second, 1e-6));

        // φ = 0 is plain CFG; φ = 1 gives each image exactly its conditional prediction's standard deviation (eq. 15).
        DenoisingLoop.Guide(pair, 2f, 0f, 2, prediction);
        Assert.Equal([2, -2, 2, -2, -2, 1, 4, 7], prediction);
        DenoisingLoop.Guide(pair, 2f, 1f, 2, prediction);
        Assert.All(prediction[4..].Zip(new[] { -2 / 3.0, 1 / 3.0, 4 / 3.0, 7 / 3.0 }), p => Assert.Equal(p.Second, p.First, 1e-6));
    }

    [Fact]
    public void The_loop_applies_guidance_rescale_to_the_cfg_combination()
    {
        // Constant predictions have zero spread, so the rescale leaves them (σ(ε) = 0 is skipped): same as plain CFG.
        var latents = Noise.ToArray();
        DenoisingLoop.Run(TwoSteps(), new ConstantDenoiser(3f, 1f), latents, 7.5f, guidanceRescale: 0.7f, batch: 2);
        AssertLatents(Noise.Select(x => 8.0 * x - Math.Sqrt(63) * 16), latents);
    }

    /// <summary>Float steps of values near 100 agree with the exact ones to a few float ulps.</summary>
    private static void AssertLatents(IEnumerable<double> expected, float[] actual) =>
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, Math.Abs(p.First) * 1e-5));

    /// <summary>Predicts the same noise everywhere, one value per embedding, and records how it was asked.</summary>
    private sealed class ConstantDenoiser(float conditional, float unconditional) : IDenoiser
    {
        public int SingleCalls { get; private set; }

        public int PairCalls { get; private set; }

        public List<float> Timesteps { get; } = [];

        public float[]? FirstInput { get; private set; }

        public void PredictNoise(ReadOnlySpan<float> modelInput, float timestep, Span<float> noise)
        {
            Record(modelInput, timestep);
            SingleCalls++;
            noise.Fill(conditional);
        }

        public void PredictUnconditionalAndConditionalNoise(ReadOnlySpan<float> modelInput, float timestep, Span<float> noise)
        {
            Record(modelInput, timestep);
            PairCalls++;
            Assert.Equal(2 * modelInput.Length, noise.Length);
            noise[..modelInput.Length].Fill(unconditional);
            noise[modelInput.Length..].Fill(conditional);
        }

        private void Record(ReadOnlySpan<float> modelInput, float timestep)
        {
            FirstInput ??= modelInput.ToArray();
            Timesteps.Add(timestep);
        }
    }
}
