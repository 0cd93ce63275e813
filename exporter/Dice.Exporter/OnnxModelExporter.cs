using Dice.Models;
using Dice.Onnx;
using Google.Protobuf;
using Onnx;

namespace Dice.Exporter;

/// <summary>
/// Exports a model definition to ONNX (IR 8, opset 17) by running its forward pass on <see cref="OnnxOps"/>.
/// Initializers stream to disk as they are declared; a model whose initializers exceed the protobuf limit (or
/// any model, on request) keeps them in "{model file}_data" beside it, page-aligned. Everything is written into
/// a staging directory and renamed into place at the end, so a failed export leaves nothing behind.
/// </summary>
public static class OnnxModelExporter
{
    /// <summary>The external data file of "model.onnx" is "model.onnx_data".</summary>
    public static string DataFileName(string modelFileName) => modelFileName + "_data";

    /// <param name="path">The model file to write (e.g. "unet/model.onnx"); its directory is created if needed.</param>
    /// <param name="inputs">The graph inputs, in order; <paramref name="forward"/> receives them as values.</param>
    /// <param name="outputs">The graph outputs, one per value <paramref name="forward"/> returns.</param>
    /// <param name="forward">Builds the model on the given ops and runs it on the inputs.</param>
    /// <param name="weights">Values for the parameters the model declares.</param>
    /// <param name="options">Precision, external data, metadata.</param>
    public static OnnxExportResult Export(
        string path,
        IReadOnlyList<OnnxTensorSpec> inputs,
        IReadOnlyList<OnnxTensorSpec> outputs,
        Func<OnnxOps, IReadOnlyList<OnnxValue>, IReadOnlyList<OnnxValue>> forward,
        IWeightSource weights,
        OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(weights);
        options ??= new OnnxExportOptions();
        if (outputs.Count == 0)
        {
            throw new ArgumentException("a model needs at least one output", nameof(outputs));
        }

        var modelPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(modelPath)!;
        var fileName = Path.GetFileName(modelPath);
        var dataFileName = DataFileName(fileName);
        var dataPath = Path.Combine(directory, dataFileName);
        var createdDirectory = CreateDirectory(directory);
        var staging = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(staging);
            var stagedModel = Path.Combine(staging, fileName);
            var stagedData = Path.Combine(staging, dataFileName);

            ModelProto model;
            bool external;
            IReadOnlyList<ParameterSpec> parameters;
            long initializerBytes;
            using (var store = new InitializerStore(stagedData, options.ExternalData == ExternalDataMode.Always ? 0 : InitializerStore.InlineBytes))
            {
                var builder = new OnnxGraphBuilder(options.ComponentName ?? "main");
                var ops = new OnnxOps(builder, store, weights, options.Precision, options.Progress);
                var values = inputs.Select(ops.Input).ToArray();
                var results = forward(ops, values)
                    ?? throw new InvalidOperationException("the forward pass returned no outputs");
                if (results.Count != outputs.Count)
                {
                    throw new InvalidOperationException($"the forward pass returned {results.Count} values for {outputs.Count} outputs");
                }
                for (var i = 0; i < outputs.Count; i++)
                {
                    ops.Output(results[i], outputs[i]);
                }
                SetMetadata(builder, options);

                initializerBytes = store.TotalBytes;
                external = options.ExternalData switch
                {
                    ExternalDataMode.Always => true,
                    ExternalDataMode.Never => false,
                    _ => initializerBytes > options.ExternalDataThreshold,
                };
                if (!external && initializerBytes > options.ExternalDataThreshold)
                {
                    throw new InvalidOperationException(
                        $"the model's {initializerBytes} bytes of weights do not fit in one ONNX file; export with external data");
                }

                model = builder.ToModel();
                if (external)
                {
                    store.Flush();
                }
                else
                {
                    store.Embed(model.Graph);
                }
                parameters = ops.Parameters;
            }

            if (!external)
            {
                File.Delete(stagedData);
            }
            using (var stream = new FileStream(stagedModel, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                model.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }

            // The data goes first, so the model file never points at data that is not there.
            if (external)
            {
                File.Move(stagedData, dataPath, overwrite: true);
            }
            File.Move(stagedModel, modelPath, overwrite: true);
            if (!external)
            {
                // Left by an earlier export of the same file with external data.
                File.Delete(dataPath);
            }
            return new OnnxExportResult(modelPath, external ? dataPath : null, parameters, initializerBytes);
        }
        catch
        {
            DeleteDirectory(staging);
            if (createdDirectory is not null)
            {
                DeleteDirectory(createdDirectory);
            }
            throw;
        }
        finally
        {
            DeleteDirectory(staging);
        }
    }

    private static void SetMetadata(OnnxGraphBuilder builder, OnnxExportOptions options)
    {
        if (options.ComponentName is { } component)
        {
            builder.SetMetadata(OnnxMetadataKeys.Component, component);
        }
        if (options.ConfigJson is { } config)
        {
            builder.SetMetadata(OnnxMetadataKeys.Config, config);
        }
        builder.SetMetadata(OnnxMetadataKeys.Precision, options.Precision == OnnxPrecision.Float16 ? "float16" : "float32");
        foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>())
        {
            builder.SetMetadata(key, value);
        }
    }

    /// <summary>Creates <paramref name="directory"/> and returns the outermost directory that did not exist, or null.</summary>
    private static string? CreateDirectory(string directory)
    {
        string? outermost = null;
        for (var current = directory; current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            outermost = current;
        }
        Directory.CreateDirectory(directory);
        return outermost;
    }

    private static void DeleteDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
