using System.Globalization;
using System.Reflection;
using CommandLine;

namespace Dice.Cli;

/// <summary>
/// The one stderr line for a command line CommandLineParser could not parse:
/// `dice: VERB: what is wrong (see dice VERB --help)`. Only the first error is reported.
/// </summary>
internal static class ParseErrorMessage
{
    public static string For(IEnumerable<Error> errors, Type? verbType, IReadOnlyList<string> args, IReadOnlyList<Type> verbTypes)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var verbs = string.Join(", ", verbTypes.Select(VerbName));
        var first = errors.FirstOrDefault();
        switch (first)
        {
            case BadVerbSelectedError bad:
                return $"dice: verb '{bad.Token}' is not recognized: use one of {verbs} (see dice --help)";
            case null or NoVerbSelectedError:
                return $"dice: no verb given: use one of {verbs} (see dice --help)";
        }
        var verb = verbType is null ? null : VerbName(verbType);
        var what = first switch
        {
            UnknownOptionError unknown => $"unknown option '{Dashed(unknown.Token)}'",
            MissingValueOptionError missing => $"{Name(missing.NameInfo)} needs a value",
            BadFormatConversionError format => BadValue(format.NameInfo, verbType, args),
            MissingRequiredOptionError required when required.NameInfo.NameText.Length > 0 =>
                $"{Name(required.NameInfo)} is required",
            MissingRequiredOptionError => MissingValue(verbType),
            RepeatedOptionError repeated => $"{Name(repeated.NameInfo)} is given more than once",
            SequenceOutOfRangeError sequence => $"{Name(sequence.NameInfo)} has the wrong number of values",
            SetValueExceptionError set => $"{Name(set.NameInfo)} {Quoted(set.Value)} is not accepted ({OneLine(set.Exception.Message)})",
            BadFormatTokenError token => $"cannot read '{token.Token}'",
            _ => $"the command line is not valid ({first.Tag})",
        };
        return verb is null
            ? $"dice: {what} (see dice --help)"
            : $"dice: {verb}: {what} (see dice {verb} --help)";
    }

    /// <summary>
    /// CommandLineParser accepts a value-taking option as the last argument with no value (and keeps its default);
    /// this is the line for that case, or null when the last argument is not such an option.
    /// </summary>
    public static string? TrailingOptionWithoutValue(IReadOnlyList<string> args, Type verbType)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(verbType);
        if (args.Count < 2 || !args[^1].StartsWith('-') || args[^1].Contains('=', StringComparison.Ordinal))
        {
            return null;
        }
        var last = args[^1];
        var option = verbType.GetProperties()
            .Select(p => (Property: p, Option: p.GetCustomAttribute<OptionAttribute>()))
            .FirstOrDefault(p => p.Option is { } o && (last == $"--{o.LongName}" && o.LongName.Length > 0 || last == $"-{o.ShortName}" && o.ShortName.Length > 0));
        if (option.Option is null || option.Property.PropertyType == typeof(bool))
        {
            return null;
        }
        var verb = VerbName(verbType);
        return $"dice: {verb}: {last} needs a value (see dice {verb} --help)";
    }

    /// <summary>The required positional argument(s) of the verb, by their help names: "the FOLDER argument is missing".</summary>
    private static string MissingValue(Type? verbType)
    {
        var names = verbType?.GetProperties()
            .Select(p => p.GetCustomAttribute<ValueAttribute>())
            .Where(v => v is { Required: true })
            .Select(v => v!.MetaName.ToUpperInvariant())
            .ToList() ?? [];
        return names.Count == 0 ? "a required value is missing" : $"the {string.Join(" ", names)} argument is missing";
    }

    private static string VerbName(Type type) => type.GetCustomAttribute<VerbAttribute>()?.Name ?? type.Name;

    private static string Dashed(string token) => token.Length == 1 ? $"-{token}" : $"--{token}";

    private static string Name(NameInfo name) =>
        name.LongName.Length > 0 ? $"--{name.LongName}" : name.ShortName.Length > 0 ? $"-{name.ShortName}" : name.NameText;

    private static string Quoted(object? value) => value is null ? "" : $"'{value}'";

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>"--seed '-1' is not a whole number from 0 to …": the value as typed and the kind the option takes.</summary>
    private static string BadValue(NameInfo name, Type? verbType, IReadOnlyList<string> args)
    {
        var value = GivenValue(name, args);
        var shown = value is null ? "" : $" '{value}'";
        var type = OptionType(name, verbType);
        return type is null ? $"{Name(name)}{shown} is not a valid value" : $"{Name(name)}{shown} is not {Expected(type)}";
    }

    /// <summary>The token after `--name` (or after `--name=`), as the user typed it.</summary>
    private static string? GivenValue(NameInfo name, IReadOnlyList<string> args)
    {
        var forms = new List<string>();
        if (name.LongName.Length > 0)
        {
            forms.Add($"--{name.LongName}");
        }
        if (name.ShortName.Length > 0)
        {
            forms.Add($"-{name.ShortName}");
        }
        for (var i = 0; i < args.Count; i++)
        {
            foreach (var form in forms)
            {
                if (args[i] == form && i + 1 < args.Count)
                {
                    return args[i + 1];
                }
                if (args[i].StartsWith(form + "=", StringComparison.Ordinal))
                {
                    return args[i][(form.Length + 1)..];
                }
            }
        }
        return null;
    }

    private static Type? OptionType(NameInfo name, Type? verbType) => verbType?.GetProperties()
        .FirstOrDefault(p => p.GetCustomAttribute<OptionAttribute>() is { } o
            && (o.LongName == name.LongName && name.LongName.Length > 0 || o.ShortName == name.ShortName && name.ShortName.Length > 0))
        ?.PropertyType;

    private static string Expected(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t switch
        {
            _ when t == typeof(int) => string.Create(CultureInfo.InvariantCulture, $"a whole number from {int.MinValue} to {int.MaxValue}"),
            _ when t == typeof(long) => string.Create(CultureInfo.InvariantCulture, $"a whole number from {long.MinValue} to {long.MaxValue}"),
            _ when t == typeof(ulong) => string.Create(CultureInfo.InvariantCulture, $"a whole number from 0 to {ulong.MaxValue}"),
            _ when t == typeof(uint) => string.Create(CultureInfo.InvariantCulture, $"a whole number from 0 to {uint.MaxValue}"),
            _ when t == typeof(double) || t == typeof(float) => "a number (such as 7.5)",
            _ when t == typeof(bool) => "true or false",
            { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(t).Select(n => n.ToLowerInvariant()))}",
            _ => "a valid value",
        };
    }
}
