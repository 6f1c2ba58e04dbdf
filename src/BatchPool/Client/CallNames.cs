using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace BatchPool.Client;

/// <summary>
/// Names of executors and calls, as the original makes them: <c>BatchPoolExecutor-xxxx</c>, and
/// <c>{function name or "anonymous"}-{n}-{xxxx}</c>, unique within an executor.
/// </summary>
internal static class CallNames
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string NewExecutorName() => "BatchPoolExecutor-" + RandomNumberGenerator.GetString(Alphabet, 4);

    /// <summary>What an executor's name may be: it names folders and jobs.</summary>
    public const string ExecutorNameRule = "1 to 100 ASCII letters, digits, '-', '_' or '.', not starting with '.' (it names folders and jobs).";

    public static bool IsValidExecutorName(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name[0] != '.';

    private static readonly ConditionalWeakTable<MethodInfo, string> FunctionNames = [];

    /// <summary>A call's name; the sequence makes it unique, the random part keeps names of different runs apart.</summary>
    public static string ForCall(Delegate function, long sequence)
    {
        // The random part on the stack: a map names thousands of calls, one string each.
        Span<char> random = stackalloc char[4];
        Random.Shared.GetItems(Alphabet, random);
        return string.Create(CultureInfo.InvariantCulture, $"{FunctionNames.GetValue(function.Method, NameOf)}-{sequence}-{random}");
    }

    private static string NameOf(MethodInfo method)
    {
        var named = method.IsDefined(typeof(CompilerGeneratedAttribute), false) || method.Name.Contains('<', StringComparison.Ordinal)
            ? ""
            : new string(method.Name.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_').Take(40).ToArray());
        return named.Length == 0 ? "anonymous" : named;
    }
}
