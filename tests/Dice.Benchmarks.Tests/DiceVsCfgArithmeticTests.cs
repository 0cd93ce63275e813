using Dice.Benchmarks.DiceVsCfg;

namespace Dice.Benchmarks.Tests;

public sealed class DiceVsCfgArithmeticTests
{
    private static StageSample Stages(double text, double unet, double vae, int calls, int callBatch) => new(text, unet, vae, calls, callBatch);

    /// <summary>Batch 2: unguided 4 s, CFG batched 7 s, CFG sequential 8 s, DICE 4.2 s per generation.</summary>
    private static List<CaseMeasurement> BatchTwo() =>
    [
        new(GuidanceMode.Dice, 2, 4.2, Stages(0.3, 3.0, 0.9, 10, 2)),
        new(GuidanceMode.CfgSequential, 2, 8.0, Stages(0.4, 6.6, 1.0, 20, 2)),
        new(GuidanceMode.Unguided, 2, 4.0, Stages(0.2, 2.9, 0.9, 10, 2)),
        new(GuidanceMode.CfgBatched, 2, 7.0, Stages(0.4, 5.6, 1.0, 10, 4)),
    ];

    [Fact]
    public void Per_image_latency_images_per_second_and_the_stage_split_divide_by_the_batch()
    {
        var batch = Assert.Single(DiceVsCfgArithmetic.Batches(BatchTwo(), []));
        Assert.Equal(2, batch.Batch);
        Assert.Equal(["unguided", "cfg-batched", "cfg-sequential", "dice"], batch.Modes.Select(m => m.Mode));
        var dice = batch.Modes[3];
        Assert.Equal(4.2, dice.SecondsPerGeneration);
        Assert.Equal(2.1, dice.SecondsPerImage, 12);
        Assert.Equal(2 / 4.2, dice.ImagesPerSecond, 12);
        Assert.Equal(new StageSplit(0.15, 1.5, 0.45, 10, 2), dice.Stages);
        Assert.Equal(4, batch.Modes[1].Stages!.UnetCallBatch);
    }

    [Fact]
    public void Ratios_are_dices_per_image_latency_over_cfgs()
    {
        var batch = DiceVsCfgArithmetic.Batches(BatchTwo(), []).Single();
        Assert.Equal(4.2 / 8.0, batch.DiceOverCfgSequential!.Value, 12);
        Assert.Equal(4.2 / 7.0, batch.DiceOverCfgBatched!.Value, 12);
    }

    [Fact]
    public void Sharpener_cost_comes_from_the_encoder_suite_when_it_ran()
    {
        var batch = DiceVsCfgArithmetic.Batches(BatchTwo(), [new EncoderMeasurement(2, 0.25, 0.27, 0.0042), new EncoderMeasurement(1, 9, 9)]).Single();
        var sharpener = batch.Sharpener!;
        Assert.Equal(DiceVsCfgArithmetic.FromEncoderSuite, sharpener.Source);
        Assert.Equal(0.25, sharpener.TextEncoderSeconds);
        Assert.Equal(0.27, sharpener.TextEncoderDiceSeconds);
        // (0.27 − 0.25) s for 2 prompts: 0.01 s per image, over DICE's 2.1 s per image.
        Assert.Equal(0.01, sharpener.SecondsPerImage, 12);
        Assert.Equal(0.01 / 2.1, sharpener.ShareOfDiceImage, 12);
        // The sharpener graph alone: 4.2 ms for 2 embeddings, 2.1 ms per image, 0.1% of 2.1 s.
        Assert.Equal(0.0021, sharpener.AloneSecondsPerImage!.Value, 12);
        Assert.Equal(0.001, sharpener.AloneShareOfDiceImage!.Value, 12);
    }

    [Fact]
    public void Sharpener_cost_falls_back_to_the_pipelines_dice_minus_unguided_text_encoding()
    {
        var sharpener = DiceVsCfgArithmetic.Batches(BatchTwo(), []).Single().Sharpener!;
        Assert.Equal(DiceVsCfgArithmetic.FromPipelineStages, sharpener.Source);
        Assert.Equal(0.2, sharpener.TextEncoderSeconds);
        Assert.Equal(0.3, sharpener.TextEncoderDiceSeconds);
        Assert.Equal(0.05, sharpener.SecondsPerImage, 12);
        Assert.Equal(0.1 / 4.2, sharpener.ShareOfDiceImage, 12);
        Assert.Null(sharpener.AloneSecondsPerImage);
    }

    [Fact]
    public void Missing_modes_leave_their_ratios_and_the_sharpener_empty_and_batches_come_in_order()
    {
        List<CaseMeasurement> cases =
        [
            new(GuidanceMode.CfgBatched, 4, 10, null),
            new(GuidanceMode.Unguided, 1, 1, null),
            new(GuidanceMode.Dice, 1, 1.1, null),
        ];
        var batches = DiceVsCfgArithmetic.Batches(cases, []);
        Assert.Equal([1, 4], batches.Select(b => b.Batch));
        Assert.Null(batches[0].DiceOverCfgBatched);
        Assert.Null(batches[0].DiceOverCfgSequential);
        Assert.Null(batches[0].Sharpener);
        Assert.Null(batches[0].Modes[0].Stages);
        Assert.Null(batches[1].DiceOverCfgBatched);
        Assert.Equal(2.5, batches[1].Modes.Single().SecondsPerImage);
    }

    [Fact]
    public void A_measurement_without_a_positive_time_is_refused() =>
        Assert.Throws<ArgumentException>(() => DiceVsCfgArithmetic.Mode(new CaseMeasurement(GuidanceMode.Dice, 1, 0, null)));
}
