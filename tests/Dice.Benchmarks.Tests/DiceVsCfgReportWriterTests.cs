using Dice.Benchmarks.DiceVsCfg;

namespace Dice.Benchmarks.Tests;

public sealed class DiceVsCfgReportWriterTests
{
    private static ModelReport Model(string name, double diceSeconds) => new(
        name,
        "/models/" + name,
        new ModelSettings("256×256", 10, "dpmpp-2m", 7.5, "a prompt"),
        "DiceVsCfgSd15(IterationCount=3)",
        new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero),
        new MachineInfo("AMD EPYC", 2, 2, "Debian 12", ".NET 10.0.12", "1.29.0"),
        DiceVsCfgArithmetic.Batches(
            [
                new CaseMeasurement(GuidanceMode.CfgSequential, 1, 10, new StageSample(0.1, 9, 0.9, 20, 1)),
                new CaseMeasurement(GuidanceMode.Dice, 1, diceSeconds, new StageSample(0.12, 4.5, 0.9, 10, 1)),
            ],
            [new EncoderMeasurement(1, 0.1, 0.105, 0.001)]));

    [Fact]
    public void A_run_replaces_its_models_section_and_keeps_the_others_in_suite_order()
    {
        using var directory = new TempDirectory();
        DiceVsCfgReportWriter.Write(directory.Path, [Model(BenchmarkModel.Sd15.Name, 5)]);
        DiceVsCfgReportWriter.Write(directory.Path, [Model(BenchmarkModel.DiceMini.Name, 0.5)]);
        var report = DiceVsCfgReportWriter.Write(directory.Path, [Model(BenchmarkModel.Sd15.Name, 6)]);

        Assert.Equal([BenchmarkModel.DiceMini.Name, BenchmarkModel.Sd15.Name], report.Models.Select(m => m.Model));
        var reread = DiceVsCfgReportWriter.TryRead(File.ReadAllText(directory.File(DiceVsCfgReportWriter.JsonFile)))!;
        Assert.Equal(report.Models.Select(m => m.Model), reread.Models.Select(m => m.Model));
        Assert.Equal(0.6, reread.Models[1].Batches[0].DiceOverCfgSequential!.Value, 12);
        Assert.Equal(0.05, reread.Models[0].Batches[0].DiceOverCfgSequential!.Value, 12);
        Assert.Equal(report.Models[1].Machine, reread.Models[1].Machine);
    }

    [Fact]
    public void Markdown_has_each_modes_row_the_ratios_the_sharpener_share_and_the_machine()
    {
        var md = DiceVsCfgReportWriter.ToMarkdown(new DiceVsCfgReport([Model(BenchmarkModel.Sd15.Name, 5)]));
        Assert.Contains("## sd15-random: 256×256, 10 dpmpp-2m steps", md, StringComparison.Ordinal);
        Assert.Contains("AMD EPYC, 2 physical / 2 logical cores; Debian 12; .NET 10.0.12; ONNX Runtime 1.29.0", md, StringComparison.Ordinal);
        Assert.Contains("| cfg-sequential | 20 × 1 | 10.00 s | 0.1 | 100 ms (1%) | 9.00 s (90%) | 900 ms (9%) |", md, StringComparison.Ordinal);
        Assert.Contains("| dice | 10 × 1 | 5.00 s | 0.2 | 120 ms (2.4%) | 4.50 s (90%) | 900 ms (18%) |", md, StringComparison.Ordinal);
        Assert.Contains("- DICE / CFG sequential: 0.5 of the per-image latency, ×2 the images/s", md, StringComparison.Ordinal);
        Assert.Contains("- DICE / CFG batched: — (a mode is missing)", md, StringComparison.Ordinal);
        Assert.Contains("= 5 ms per image, 0.1% of a DICE image's time (from the encoder suite); alone 1 ms per image, 0.02%", md, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_json_is_replaced()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File(DiceVsCfgReportWriter.JsonFile), "{ not json");
        var report = DiceVsCfgReportWriter.Write(directory.Path, [Model("x", 1)]);
        Assert.Equal(["x"], report.Models.Select(m => m.Model));
        Assert.True(File.Exists(directory.File(DiceVsCfgReportWriter.MarkdownFile)));
    }

    [Theory]
    [InlineData(new[] { "--filter", "*", "--job", "Dry" }, true)]
    [InlineData(new[] { "--job=short" }, true)]
    [InlineData(new[] { "-j", "dry" }, true)]
    [InlineData(new[] { "--filter", "*job*" }, false)]
    public void A_job_on_the_command_line_is_recognised(string[] args, bool names) => Assert.Equal(names, DiceVsCfgJobs.NamesJob(args));
}
