using System.Runtime.InteropServices;
using BenchmarkDotNet.Reports;
using Dice.Runtime;

namespace Dice.Benchmarks.DiceVsCfg;

/// <summary>
/// Run after BenchmarkDotNet: turns the summaries of the DICE-vs-CFG suites that ran (and the stage records their
/// processes left) into benchmarks/results/dice-vs-cfg.md and .json. Does nothing when none of them ran.
/// </summary>
public static class DiceVsCfgSummary
{
    private sealed record Suite(Type Pipeline, Type Encoders, BenchmarkModel Model);

    private static readonly Suite[] Suites =
    [
        new(typeof(MiniPipelineBenchmarks), typeof(MiniEncoderBenchmarks), BenchmarkModel.DiceMini),
        new(typeof(Sd15PipelineBenchmarks), typeof(Sd15EncoderBenchmarks), BenchmarkModel.Sd15),
    ];

    /// <summary>Writes the report if a pipeline suite ran; returns the models reported.</summary>
    public static IReadOnlyList<ModelReport> Write(IEnumerable<Summary> summaries, string stagesFolder, string resultsFolder)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var all = summaries.ToList();
        var reports = all.SelectMany(s => s.Reports).ToList();
        var stages = StageRecorder.Load(stagesFolder);
        var models = new List<ModelReport>();
        foreach (var suite in Suites)
        {
            // One job per suite: with several (a job attribute and a --job from elsewhere), the first one's.
            var pipelineReports = reports.Where(r => r.BenchmarkCase.Descriptor.Type == suite.Pipeline).ToList();
            if (pipelineReports.Count == 0)
            {
                continue;
            }
            var job = pipelineReports[0].BenchmarkCase.Job;
            pipelineReports = pipelineReports.Where(r => r.BenchmarkCase.Job.DisplayInfo == job.DisplayInfo).ToList();
            var cases = new List<CaseMeasurement>();
            var records = stages.Where(s => s.Suite == suite.Model.Name).ToList();
            foreach (var report in pipelineReports)
            {
                if (report.ResultStatistics is not { } statistics)
                {
                    continue;
                }
                var mode = (GuidanceMode)report.BenchmarkCase.Parameters["Mode"];
                var batch = (int)report.BenchmarkCase.Parameters["Batch"];
                var record = records.FirstOrDefault(s => s.Mode == mode.Label() && s.Batch == batch);
                cases.Add(new CaseMeasurement(mode, batch, statistics.Mean / 1e9, record?.Mean));
            }
            if (cases.Count == 0)
            {
                continue;
            }
            var encoderReports = reports.Where(r => r.BenchmarkCase.Descriptor.Type == suite.Encoders && r.ResultStatistics is not null).ToList();
            var encoderJob = encoderReports.Select(r => r.BenchmarkCase.Job.DisplayInfo).FirstOrDefault();
            var encoders = encoderReports.Where(r => r.BenchmarkCase.Job.DisplayInfo == encoderJob)
                .GroupBy(r => (int)r.BenchmarkCase.Parameters["Batch"])
                .Select(g => Encoder(g.Key, g))
                .OfType<EncoderMeasurement>()
                .ToList();
            var summary = all.First(s => s.Reports.Any(r => r.BenchmarkCase.Descriptor.Type == suite.Pipeline));
            var model = suite.Model;
            models.Add(new ModelReport(
                model.Name,
                model.Folder,
                new ModelSettings(Size(model, records), model.Steps, model.Scheduler, GuidanceModes.CfgScale, model.Prompt),
                job.DisplayInfo,
                DateTimeOffset.UtcNow,
                Machine(summary),
                DiceVsCfgArithmetic.Batches(cases, encoders)));
        }
        if (models.Count > 0)
        {
            DiceVsCfgReportWriter.Write(resultsFolder, models);
        }
        return models;
    }

    private static EncoderMeasurement? Encoder(int batch, IEnumerable<BenchmarkReport> reports)
    {
        double? plain = null, dice = null, alone = null;
        foreach (var report in reports)
        {
            var seconds = report.ResultStatistics!.Mean / 1e9;
            switch (report.BenchmarkCase.Descriptor.WorkloadMethod.Name)
            {
                case nameof(MiniEncoderBenchmarks.TextEncoder):
                    plain = seconds;
                    break;
                case nameof(MiniEncoderBenchmarks.TextEncoderDice):
                    dice = seconds;
                    break;
                case nameof(MiniEncoderBenchmarks.SharpenerAlone):
                    alone = seconds;
                    break;
            }
        }
        return plain is { } p && dice is { } d ? new EncoderMeasurement(batch, p, d, alone) : null;
    }

    /// <summary>The image size the generations had (from the stage records), else the one the suite asks for.</summary>
    private static string Size(BenchmarkModel model, IEnumerable<StageRecord> records)
    {
        var record = records.FirstOrDefault(r => r.Width > 0 && r.Height > 0);
        return record is not null ? $"{record.Width}×{record.Height}"
            : model.Height is { } h && model.Width is { } w ? $"{w}×{h}"
            : "the model's own size";
    }

    private static MachineInfo Machine(Summary summary)
    {
        var host = summary.HostEnvironmentInfo;
        var cpu = host.CpuInfo.Value;
        string onnxRuntime;
        try
        {
            onnxRuntime = OnnxRuntimeInfo.Version;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            onnxRuntime = "unknown (" + e.GetType().Name + ")";
        }
        return new MachineInfo(
            cpu?.ProcessorName ?? "unknown CPU",
            cpu?.PhysicalCoreCount ?? 0,
            cpu?.LogicalCoreCount ?? Environment.ProcessorCount,
            host.OsVersion.Value ?? RuntimeInformation.OSDescription,
            host.RuntimeVersion ?? RuntimeInformation.FrameworkDescription,
            onnxRuntime);
    }
}
