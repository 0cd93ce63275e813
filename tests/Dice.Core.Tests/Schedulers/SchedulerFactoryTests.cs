using Dice.Core.Schedulers;

namespace Dice.Core.Tests.Schedulers;

public sealed class SchedulerFactoryTests
{
    [Theory]
    [InlineData("dpmpp-2m", typeof(DpmSolverMultistepScheduler))]
    [InlineData("DPMPP-2M", typeof(DpmSolverMultistepScheduler))]
    [InlineData("euler", typeof(EulerDiscreteScheduler))]
    [InlineData("Euler", typeof(EulerDiscreteScheduler))]
    [InlineData("ddim", typeof(DdimScheduler))]
    [InlineData("DDIM", typeof(DdimScheduler))]
    public void Creates_schedulers_by_name_ignoring_case(string name, Type expected)
    {
        var scheduler = SchedulerFactory.Create(name, SchedulerConfig.Empty);
        Assert.IsType(expected, scheduler);
        Assert.Equal(name.ToLowerInvariant(), scheduler.Name);
    }

    [Fact]
    public void Unknown_names_are_rejected_listing_the_valid_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create("plms", SchedulerConfig.Empty));
        Assert.Contains("'plms'", error.Message, StringComparison.Ordinal);
        foreach (var name in new[] { "dpmpp-2m", "euler", "ddim" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(["dpmpp-2m", "euler", "ddim"], SchedulerFactory.Names);
    }

    [Fact]
    public void Configures_the_scheduler_from_the_config()
    {
        var config = SchedulerConfig.Parse(StableDiffusion15TimestepTests.LeadingConfig);
        var scheduler = SchedulerFactory.Create("dpmpp-2m", config);
        Assert.Equal(TimestepSpacing.Leading, scheduler.TimestepSpacing);
    }
}
