namespace Dice.Safetensors;

/// <summary>A safetensors file, header or index that breaks the format. The message names the file and tensor.</summary>
public sealed class SafetensorsFormatException : Exception
{
    public SafetensorsFormatException()
    {
    }

    public SafetensorsFormatException(string message)
        : base(message)
    {
    }

    public SafetensorsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="filePath">The file (or other source name) at fault, if known.</param>
    /// <param name="tensorName">The tensor at fault, if the problem concerns one.</param>
    /// <param name="problem">What is wrong and, where obvious, how to fix it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public SafetensorsFormatException(string? filePath, string? tensorName, string problem, Exception? innerException = null)
        : base(Compose(filePath, tensorName, problem), innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
    }

    public string? FilePath { get; }

    public string? TensorName { get; }

    /// <summary>The problem alone, without the file and tensor prefix.</summary>
    public string? Problem { get; }

    private static string Compose(string? filePath, string? tensorName, string problem)
    {
        var where = filePath ?? "safetensors data";
        return tensorName is null ? $"{where}: {problem}" : $"{where}: tensor '{tensorName}': {problem}";
    }
}
