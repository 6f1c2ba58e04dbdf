// The examples of Hail's BatchPoolExecutor documentation, in C#, on the embedded local backend.
using BatchPool;

await using var bpe = new BatchPoolExecutor();

// Add 3 to 6 on another machine (here: a worker process) and send the result back.
var futureNine = bpe.Submit(() => 3 + 6);
Console.WriteLine($"3 + 6 = {futureNine.Result()}");

// Map a function over values, in parallel; results come back in order.
Console.WriteLine("x * 3 over 0..3: " + string.Join(", ", bpe.Map(x => x * 3, Enumerable.Range(0, 4))));

// A function of two arguments over two sequences, zipped.
Console.WriteLine("concatenated: " + string.Join(", ", bpe.Map((string x, string y) => x + y, ["white", "cat", "best"], ["house", "dog", "friend"])));

// Products of random matrices: a named method, its captures and its arguments travel to the workers.
var products = bpe.Map(RandomProduct, Enumerable.Range(0, 4)).ToList();
Console.WriteLine("random products: " + string.Join(", ", products.Select(p => p.ToString("F6", System.Globalization.CultureInfo.InvariantCulture))));

// Exceptions come back with their type, message and the worker's stack trace.
var failing = bpe.Submit(() => int.Parse("not a number", System.Globalization.CultureInfo.InvariantCulture));
Console.WriteLine($"a remote error comes back as {failing.Exception()?.GetType().Name}: {failing.Exception()?.Message}");

static double RandomProduct(int seed)
{
    var random = new Random(seed);
    var w = Enumerable.Range(0, 100).Select(_ => random.NextDouble()).ToArray();
    var u = Enumerable.Range(0, 100).Select(_ => random.NextDouble()).ToArray();
    return w.Zip(u, (a, b) => a * b).Sum();
}
