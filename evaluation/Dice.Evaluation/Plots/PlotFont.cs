namespace Dice.Evaluation.Plots;

/// <summary>
/// The typeface of Dice's plots, loaded from TrueType files by path. ScottPlot otherwise asks the system for a font
/// by name, and a bare Debian machine has none, so text would silently be missing; DejaVu Sans comes from the
/// fonts-dejavu-core package that scripts/setup.sh installs.
/// </summary>
public sealed record PlotFont(string Name, string RegularPath, string BoldPath)
{
    /// <summary>Where fonts-dejavu-core puts DejaVu Sans on Debian.</summary>
    public const string DebianDejaVuFolder = "/usr/share/fonts/truetype/dejavu";

    /// <summary>DejaVu Sans from <paramref name="folder"/> (default <see cref="DebianDejaVuFolder"/>).</summary>
    public static PlotFont DejaVuSans(string folder = DebianDejaVuFolder) =>
        new("DejaVu Sans", Path.Combine(folder, "DejaVuSans.ttf"), Path.Combine(folder, "DejaVuSans-Bold.ttf"));

    /// <summary>Registers both faces with ScottPlot under <see cref="Name"/>.</summary>
    /// <exception cref="FileNotFoundException">A font file is missing (the message says which package installs it).</exception>
    public void Register()
    {
        foreach (var (path, bold) in new[] { (RegularPath, false), (BoldPath, true) })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"plot font {path} not found: install the Debian package fonts-dejavu-core (scripts/setup.sh does), " +
                    "or give the folder of DejaVuSans.ttf and DejaVuSans-Bold.ttf", path);
            }
            ScottPlot.Fonts.AddFontFile(Name, path, bold: bold, italic: false);
        }
    }
}
