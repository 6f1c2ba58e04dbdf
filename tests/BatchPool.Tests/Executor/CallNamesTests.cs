using System.Text.RegularExpressions;
using BatchPool.Client;

namespace BatchPool.Tests.Executor;

/// <summary>Calls are named as the original names them: the function's name or "anonymous", a sequence, 4 random characters.</summary>
public sealed class CallNamesTests
{
    [Fact]
    public void A_method_group_names_its_calls_and_a_lambda_is_anonymous()
    {
        Assert.Matches(new Regex("^Triple-7-[a-z0-9]{4}$"), CallNames.ForCall(new Func<int, int>(Triple), 7));
        Assert.Matches(new Regex("^anonymous-12345678901-[a-z0-9]{4}$"), CallNames.ForCall(new Func<int, int>(x => x + 1), 12_345_678_901));
        var names = Enumerable.Range(0, 50).Select(_ => CallNames.ForCall(new Func<int, int>(Triple), 1)).ToHashSet();
        Assert.True(names.Count > 40, "the random part tells runs apart");
    }

    private static int Triple(int x) => x * 3;
}
