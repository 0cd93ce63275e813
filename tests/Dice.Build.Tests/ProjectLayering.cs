using System.Xml.Linq;

namespace Dice.Build.Tests;

/// <summary>
/// The one-way dependency rule of docs/architecture.md, read from the project files themselves. Top-level folders
/// are stages in the order data flows; a project may reference projects of an earlier stage or of its own folder,
/// never a later one, and the two native engines stay where they belong: ONNX Runtime from the runtime stage up,
/// libtorch (TorchSharp) only in the trainer and what drives it.
/// </summary>
internal sealed class ProjectLayering
{
    /// <summary>Stages in data-flow order; folders that share a rank are siblings and may not reference each other.</summary>
    public static readonly IReadOnlyDictionary<string, int> StageRanks = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["core"] = 0,
        ["models"] = 1,
        ["data"] = 2,
        ["trainer"] = 3,
        ["exporter"] = 4,
        ["runtime"] = 5,
        ["evaluation"] = 6,
        ["benchmarks"] = 7,
        ["cli"] = 7,
    };

    /// <summary>Folders whose projects are not product stages: the tests, and hosts that consume Dice as packages.</summary>
    public static readonly IReadOnlySet<string> OutsideTheStages = new HashSet<string>(StringComparer.Ordinal) { "tests", "samples", "build" };

    private const string OnnxRuntimePrefix = "Microsoft.ML.OnnxRuntime";
    private static readonly string[] TorchPackages = ["TorchSharp", "libtorch-"];

    /// <summary>Stages that may reach libtorch: the trainer and the executables that drive it.</summary>
    private static readonly IReadOnlySet<string> TorchStages = new HashSet<string>(StringComparer.Ordinal) { "trainer", "benchmarks", "cli" };

    private readonly Dictionary<string, ProjectFile> projects;

    private ProjectLayering(Dictionary<string, ProjectFile> projects) => this.projects = projects;

    public IReadOnlyCollection<ProjectFile> Projects => projects.Values;

    /// <summary>Every product project under <paramref name="root"/> (everything but <see cref="OutsideTheStages"/>).</summary>
    public static ProjectLayering Read(string root)
    {
        var found = new Dictionary<string, ProjectFile>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var stage = relative.Split('/')[0];
            if (OutsideTheStages.Contains(stage) || relative.Contains("/obj/", StringComparison.Ordinal) ||
                relative.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }
            found[relative] = ProjectFile.Load(root, relative, stage);
        }
        return new ProjectLayering(found);
    }

    /// <summary>One line per broken rule; empty when the house is in order.</summary>
    public IReadOnlyList<string> Violations()
    {
        var violations = new List<string>();
        foreach (var project in projects.Values.OrderBy(p => p.Path, StringComparer.Ordinal))
        {
            if (!StageRanks.TryGetValue(project.Stage, out var rank))
            {
                violations.Add($"{project.Path}: top-level folder '{project.Stage}' is not a stage (add it to the order in docs/architecture.md and {nameof(ProjectLayering)})");
                continue;
            }
            foreach (var reference in project.ProjectReferences)
            {
                var target = reference.Split('/')[0];
                var sameFolder = target == project.Stage;
                if (!sameFolder && (!StageRanks.TryGetValue(target, out var targetRank) || targetRank >= rank))
                {
                    violations.Add($"{project.Path} references {reference}: '{project.Stage}' may only reference earlier stages");
                }
            }
            foreach (var package in Closure(project).SelectMany(p => p.PackageReferences.Select(r => (Owner: p, Package: r))))
            {
                if (package.Package.StartsWith(OnnxRuntimePrefix, StringComparison.Ordinal) && rank < StageRanks["runtime"])
                {
                    violations.Add($"{project.Path} reaches {package.Package} (through {package.Owner.Path}): nothing below the runtime may need ONNX Runtime");
                }
                if (TorchPackages.Any(t => package.Package.StartsWith(t, StringComparison.Ordinal)) && !TorchStages.Contains(project.Stage))
                {
                    violations.Add($"{project.Path} reaches {package.Package} (through {package.Owner.Path}): only the trainer and what drives it may need libtorch");
                }
            }
        }
        return violations;
    }

    /// <summary>The project and every project it reaches through project references.</summary>
    public IReadOnlyList<ProjectFile> Closure(ProjectFile start)
    {
        var seen = new Dictionary<string, ProjectFile>(StringComparer.Ordinal) { [start.Path] = start };
        var pending = new Stack<ProjectFile>([start]);
        while (pending.TryPop(out var project))
        {
            foreach (var reference in project.ProjectReferences)
            {
                if (projects.TryGetValue(reference, out var next) && seen.TryAdd(reference, next))
                {
                    pending.Push(next);
                }
            }
        }
        return [.. seen.Values];
    }

    /// <summary>A project's references as the file states them, paths relative to the repository root.</summary>
    internal sealed record ProjectFile(string Path, string Stage, IReadOnlyList<string> ProjectReferences, IReadOnlyList<string> PackageReferences)
    {
        public static ProjectFile Load(string root, string relative, string stage)
        {
            var document = XDocument.Load(System.IO.Path.Combine(root, relative));
            var folder = System.IO.Path.GetDirectoryName(System.IO.Path.Combine(root, relative))!;
            var projectReferences = document.Descendants("ProjectReference")
                .Select(e => (string?)e.Attribute("Include"))
                .OfType<string>()
                .Select(include => System.IO.Path.GetRelativePath(root, System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, include))).Replace('\\', '/'))
                .ToList();
            var packageReferences = document.Descendants("PackageReference")
                .Select(e => (string?)e.Attribute("Include"))
                .OfType<string>()
                .ToList();
            return new ProjectFile(relative, stage, projectReferences, packageReferences);
        }
    }
}
