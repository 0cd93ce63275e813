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
    [InlineData("dpmpp-2m-karras", typeof(DpmSolverMultistepScheduler))]
    [InlineData("dpmpp-2m-sde", typeof(DpmSolverMultistepScheduler))]
    [InlineData("DPMPP-2M-SDE-Karras", typeof(DpmSolverMultistepScheduler))]
    [InlineData("euler-karras", typeof(EulerDiscreteScheduler))]
    [InlineData("Euler-A", typeof(EulerAncestralDiscreteScheduler))]
    [InlineData("pndm", typeof(PndmScheduler))]
    public void Creates_schedulers_by_name_ignoring_case(string name, Type expected)
    {
        var scheduler = SchedulerFactory.Create(name, SchedulerConfig.Empty);
        Assert.IsType(expected, scheduler);
        Assert.Equal(name.ToLowerInvariant(), scheduler.Name);
    }

    [Fact]
    public void Unknown_names_are_rejected_listing_the_valid_ones()
    {
        // The names web UIs and diffusers users give these samplers ("DPM++ 2M Karras", "Euler a", ...).
        string[] names = ["dpmpp-2m", "dpmpp-2m-karras", "dpmpp-2m-sde", "dpmpp-2m-sde-karras", "euler", "euler-karras", "euler-a", "ddim", "pndm"];
        var error = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create("lms", SchedulerConfig.Empty));
        Assert.Contains("'lms'", error.Message, StringComparison.Ordinal);
        foreach (var name in names)
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(names, SchedulerFactory.Names);
    }

    [Fact]
    public void Configures_the_scheduler_from_the_config()
    {
        var config = SchedulerConfig.Parse(StableDiffusion15TimestepTests.LeadingConfig);
        var scheduler = SchedulerFactory.Create("dpmpp-2m", config);
        Assert.Equal(TimestepSpacing.Leading, scheduler.TimestepSpacing);
    }
}
