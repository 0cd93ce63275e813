using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Schedulers;

/// <summary>The step-loop contract every scheduler keeps: reuse, batching, allocation-free steps, argument checks.</summary>
public sealed class StepLoopTests
{
    public static TheoryData<string> Names => new(SchedulerFactory.Names);

    /// <summary>The scheduler, given (when stochastic) noise that depends on the position only, repeating every 40 values.</summary>
    private static INoiseScheduler Create(string name)
    {
        var scheduler = SchedulerFactory.Create(name, SchedulerConfig.Parse(StableDiffusion15TimestepTests.ClassicConfig));
        if (scheduler is IStochasticScheduler stochastic)
        {
            stochastic.UseNoise(new PatternNoise(40));
        }
        return scheduler;
    }

    /// <summary>A deterministic, element-wise stand-in for a UNet: a smooth function of the scaled input and the timestep.</summary>
    private static void FakeModel(ReadOnlySpan<float> input, float t, Span<float> output)
    {
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = 0.8f * input[i] + 0.001f * t * MathF.Sin(7f * input[i]);
        }
    }

    private static float[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>The denoising loop of a pipeline: the UNet sees a scaled copy, Step advances the latents.</summary>
    private static void Run(INoiseScheduler scheduler, float[] latents, float[] input, float[] output)
    {
        for (int i = 0; i < scheduler.StepCount; i++)
        {
            latents.CopyTo(input, 0);
            scheduler.ScaleModelInput(input, i);
            FakeModel(input, scheduler.Timesteps[i], output);
            scheduler.Step(output, i, latents);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Reset_runs_the_schedule_again_with_the_same_result(string name)
    {
        var scheduler = Create(name);
        scheduler.SetTimesteps(12);
        var first = Noise(64, 1);
        var second = first.ToArray();
        var input = new float[64];
        var output = new float[64];

        Run(scheduler, first, input, output);
        scheduler.Reset();
        Run(scheduler, second, input, output);

        Assert.Equal(first, second);
        Assert.All(first, value => Assert.True(float.IsFinite(value)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_batch_is_a_longer_span(string name)
    {
        var a = Noise(40, 2);
        var b = Noise(40, 3);
        var batch = a.Concat(b).ToArray();

        foreach (var latents in new[] { a, b, batch })
        {
            var scheduler = Create(name);
            scheduler.SetTimesteps(8);
            Run(scheduler, latents, new float[latents.Length], new float[latents.Length]);
        }

        Assert.Equal(a.Concat(b).ToArray(), batch);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Steps_do_not_allocate_once_buffers_exist(string name)
    {
        var scheduler = Create(name);
        scheduler.SetTimesteps(20);
        var latents = Noise(4 * 64 * 64, 4);
        var input = new float[latents.Length];
        var output = new float[latents.Length];
        Run(scheduler, latents, input, output);
        scheduler.Reset();

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(scheduler, latents, input, output);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Using_a_scheduler_before_set_timesteps_fails(string name)
    {
        var scheduler = Create(name);
        Assert.Equal(0, scheduler.StepCount);
        Assert.Throws<InvalidOperationException>(() => scheduler.Step(new float[4], 0, new float[4]));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_arguments_are_rejected(string name)
    {
        var scheduler = Create(name);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(1001));
        scheduler.SetTimesteps(5);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Step(new float[4], scheduler.StepCount, new float[4])); // PNDM: 6 calls for 5 steps
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.ModelInputScale(-1));
        Assert.Throws<ArgumentException>(() => scheduler.Step(new float[4], 0, new float[5]));
        Assert.Throws<ArgumentException>(() => scheduler.AddNoise(new float[4], new float[3], 0, new float[4]));
    }

    [Theory]
    [InlineData("dpmpp-2m", 1f)]
    [InlineData("ddim", 1f)]
    public void Only_euler_scales_the_model_input(string name, float scale)
    {
        var scheduler = Create(name);
        scheduler.SetTimesteps(10);
        float[] input = [1f, -2f];
        scheduler.ScaleModelInput(input, 0);
        Assert.Equal([scale, -2f * scale], input);
        Assert.Equal(scale, scheduler.ModelInputScale(0));
        Assert.Equal(1f, scheduler.InitNoiseSigma);
    }

    [Fact]
    public void Dpm_solver_runs_its_steps_in_order()
    {
        var scheduler = Create("dpmpp-2m");
        scheduler.SetTimesteps(10);
        var latents = new float[8];
        var output = new float[8];
        scheduler.Step(output, 3, latents); // image-to-image may start part-way
        scheduler.Step(output, 4, latents);

        var error = Assert.Throws<InvalidOperationException>(() => scheduler.Step(output, 6, latents));
        Assert.Contains("step 6", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => scheduler.Step(new float[9], 5, new float[9]));

        scheduler.Reset();
        scheduler.Step(output, 0, latents);
    }
}
