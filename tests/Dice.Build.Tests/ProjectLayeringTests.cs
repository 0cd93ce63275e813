namespace Dice.Build.Tests;

/// <summary>The dependency graph points one way, in the order data flows (docs/architecture.md).</summary>
public sealed class ProjectLayeringTests
{
    [Fact]
    public void The_repository_breaks_no_layering_rule()
    {
        var layering = ProjectLayering.Read(BuildFacts.RepositoryRoot);
        Assert.Empty(layering.Violations());
    }

    [Fact]
    public void Every_stage_of_the_data_flow_has_a_project_and_the_runtime_reaches_neither_libtorch_nor_the_trainer()
    {
        var layering = ProjectLayering.Read(BuildFacts.RepositoryRoot);
        Assert.Equal(ProjectLayering.StageRanks.Keys.Order(StringComparer.Ordinal),
            layering.Projects.Select(p => p.Stage).Distinct().Order(StringComparer.Ordinal));
        var runtime = layering.Projects.Single(p => p.Path == "runtime/Dice.Runtime/Dice.Runtime.csproj");
        var reached = layering.Closure(runtime).Select(p => p.Path).Order(StringComparer.Ordinal);
        Assert.Equal(["core/Dice.Core/Dice.Core.csproj", "runtime/Dice.Runtime/Dice.Runtime.csproj"], reached);
    }

    [Theory]
    [InlineData("core/Dice.Core/Dice.Core.csproj", "../../runtime/Dice.Runtime/Dice.Runtime.csproj", "may only reference earlier stages")]
    [InlineData("exporter/Dice.Exporter/Dice.Exporter.csproj", "../../runtime/Dice.Runtime/Dice.Runtime.csproj", "may only reference earlier stages")]
    [InlineData("runtime/Dice.Runtime/Dice.Runtime.csproj", "../../trainer/Dice.Trainer/Dice.Trainer.csproj", "only the trainer and what drives it may need libtorch")]
    [InlineData("benchmarks/Dice.Benchmarks/Dice.Benchmarks.csproj", "../../cli/Dice.Cli/Dice.Cli.csproj", "may only reference earlier stages")]
    [InlineData("models/Dice.Models/Dice.Models.csproj", "../../data/Dice.Data/Dice.Data.csproj", "may only reference earlier stages")]
    public void A_forbidden_project_reference_added_to_a_copy_of_the_repository_is_reported(string project, string reference, string rule)
    {
        using var copy = RepositoryProjects.Copy();
        copy.AddItem(project, "ProjectReference", reference);
        var violations = ProjectLayering.Read(copy.Root).Violations();
        Assert.Contains(violations, v => v.StartsWith(project, StringComparison.Ordinal) && v.Contains(rule, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("exporter/Dice.Exporter/Dice.Exporter.csproj", "Microsoft.ML.OnnxRuntime.Managed", "nothing below the runtime may need ONNX Runtime")]
    [InlineData("core/Dice.Core/Dice.Core.csproj", "Microsoft.ML.OnnxRuntime.Gpu.Linux", "nothing below the runtime may need ONNX Runtime")]
    [InlineData("runtime/Dice.Runtime/Dice.Runtime.csproj", "TorchSharp", "only the trainer and what drives it may need libtorch")]
    public void A_forbidden_package_reference_is_reported_for_the_project_and_every_project_above_it(string project, string package, string rule)
    {
        using var copy = RepositoryProjects.Copy();
        copy.AddItem(project, "PackageReference", package);
        var violations = ProjectLayering.Read(copy.Root).Violations();
        Assert.Contains(violations, v => v.StartsWith(project, StringComparison.Ordinal) && v.Contains(rule, StringComparison.Ordinal));
        if (project.StartsWith("core/", StringComparison.Ordinal))
        {
            // Everything built on the core now reaches ONNX Runtime too, the exporter and data included.
            Assert.Contains(violations, v => v.StartsWith("exporter/Dice.Exporter/", StringComparison.Ordinal) && v.Contains(rule, StringComparison.Ordinal));
            Assert.Contains(violations, v => v.StartsWith("data/Dice.Data/", StringComparison.Ordinal) && v.Contains(rule, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_project_in_a_folder_that_is_no_stage_is_reported()
    {
        using var copy = RepositoryProjects.Copy();
        Directory.CreateDirectory(Path.Combine(copy.Root, "misc", "Dice.Misc"));
        File.WriteAllText(Path.Combine(copy.Root, "misc", "Dice.Misc", "Dice.Misc.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        Assert.Contains(ProjectLayering.Read(copy.Root).Violations(),
            v => v.StartsWith("misc/Dice.Misc/Dice.Misc.csproj", StringComparison.Ordinal) && v.Contains("is not a stage", StringComparison.Ordinal));
    }

    /// <summary>The repository's project files (only those) copied to a temporary folder, to break on purpose.</summary>
    private sealed class RepositoryProjects : IDisposable
    {
        private RepositoryProjects(string root) => Root = root;

        public string Root { get; }

        public static RepositoryProjects Copy()
        {
            var root = Directory.CreateTempSubdirectory("dice-layering-").FullName;
            var source = BuildFacts.RepositoryRoot;
            foreach (var path in Directory.EnumerateFiles(source, "*.csproj", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source, path);
                if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git"))
                {
                    continue;
                }
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, relative))!);
                File.Copy(path, Path.Combine(root, relative));
            }
            return new RepositoryProjects(root);
        }

        public void AddItem(string project, string item, string include)
        {
            var path = Path.Combine(Root, project);
            var document = System.Xml.Linq.XDocument.Load(path);
            document.Root!.Add(new System.Xml.Linq.XElement("ItemGroup",
                new System.Xml.Linq.XElement(item, new System.Xml.Linq.XAttribute("Include", include))));
            document.Save(path);
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
