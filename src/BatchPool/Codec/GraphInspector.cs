using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace BatchPool.Codec;

/// <summary>
/// Walks a graph before it is serialized: refuses, with the path to it, anything that only makes sense in this
/// process (dill fails late and vaguely; this fails early and says where), and lists the user assemblies it needs.
/// </summary>
internal sealed class GraphInspector
{
    /// <summary>Inspects a graph; throws <see cref="UnserializableValueException"/> naming the path of the first refused value.</summary>
    public GraphInspection Inspect(object? graph)
    {
        var walk = ThreadSpare<Walk>.Take();
        switch (graph)
        {
            case JobInput input:
                walk.Visit(input);
                walk.Push(input.Function, -1, "closure");
                for (var i = 0; i < input.Calls.Length; i++)
                {
                    walk.Push(input.Calls[i], -1, "call", i);
                }

                break;
            case JobOutput output:
                walk.Visit(output);
                for (var i = 0; i < output.Outcomes.Length; i++)
                {
                    walk.Visit(output.Outcomes[i]);
                    walk.Push(output.Outcomes[i]?.Value, -1, "result", i);
                    walk.Push(output.Outcomes[i]?.Error, -1, "error", i);
                }

                break;
            default:
                walk.Push(graph, -1, "value");
                break;
        }

        walk.Run(lenient: false);
        var inspection = new GraphInspection(walk.AssemblyList(), walk.Count, walk.LargeArrayPaths);
        walk.Return();
        return inspection;
    }

    /// <summary>True when <paramref name="value"/> can be shipped (used for optional parts such as exception fields).</summary>
    public bool IsShippable(object? value)
    {
        if (value is null || value is string || value.GetType().IsPrimitive)
        {
            return true;
        }

        var walk = ThreadSpare<Walk>.Take();
        walk.Push(value, -1, "value");
        var shippable = walk.Run(lenient: true);
        walk.Return();
        return shippable;
    }

    /// <summary>
    /// The most bytes one array may hold: a payload, a value stored apart and a blob written to storage are each one span
    /// of memory (2 GiB less a byte).
    /// </summary>
    public const long LargestValue = int.MaxValue;

    private static UnserializableValueException TooLarge(string path, Array array, int elementSize) =>
        new(path, array.GetType(),
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"it holds {(long)array.Length * elementSize:N0} bytes ({array.Length:N0} elements of {elementSize} bytes), more than the {LargestValue:N0} bytes one value may take in a payload or in storage; ship it as several arrays, or have the jobs read it from where it is."));

    private sealed class Walk
    {
        /// <summary>A segment's index that says "no index": the segment is its name alone.</summary>
        private const int NoIndex = -1;

        private readonly HashSet<object> _seen = new(ReferenceEqualityComparer.Instance);
        // Values still to walk and their path nodes, as parallel lists (lists of classes and of ints come compiled with
        // the framework; a stack or list of value tuples would be compiled at run time in every fresh process).
        private readonly List<object> _pendingValues = [];
        private readonly List<int> _pendingNodes = [];

        // The path tree: each node's parent node and its own segment, a name and an optional index ("call", 3 is
        // "call[3]"), made into text only when a path is reported: most walks report none.
        private readonly List<int> _nodeParents = [];
        private readonly List<string> _nodeNames = [];
        private readonly List<int> _nodeIndexes = [];
        private readonly HashSet<Assembly> _assemblySet = [];

        // The list the walk's last inspection returned: a map's payloads name the same assemblies, and share one list.
        private Assembly[] _lastList = [];

        public List<Assembly> Assemblies { get; } = [];

        public int Count => _seen.Count;

        /// <summary>The paths of the large raw arrays found (see <see cref="GraphInspection.LargeArrayPaths"/>).</summary>
        public Dictionary<Array, string>? LargeArrayPaths { get; private set; }

        /// <summary>The assemblies found, as an array that must not change: the last one returned when they are the same.</summary>
        public Assembly[] AssemblyList()
        {
            if (!CollectionsMarshal.AsSpan(Assemblies).SequenceEqual(_lastList))
            {
                _lastList = [.. Assemblies];
            }
            return _lastList;
        }

        /// <summary>Gives the walk back, emptied, for the thread's next one (<see cref="ThreadSpare{T}"/>); a walk that threw is simply dropped.</summary>
        public void Return()
        {
            if (_seen.Count > ThreadSpare<Walk>.KeptUpTo || _nodeParents.Count > ThreadSpare<Walk>.KeptUpTo)
            {
                return;
            }
            _seen.Clear();
            LargeArrayPaths = null;
            _pendingValues.Clear();
            _pendingNodes.Clear();
            _nodeParents.Clear();
            _nodeNames.Clear();
            _nodeIndexes.Clear();
            _assemblySet.Clear();
            Assemblies.Clear();
            ThreadSpare<Walk>.Give(this);
        }

        public void Visit(object? value)
        {
            if (value is not null)
            {
                _seen.Add(value);
                AddAssemblies(TypeShape.Of(value.GetType()).UserAssemblies);
            }
        }

        public void Push(object? value, int parent, string name, int index = NoIndex)
        {
            if (value is null || _seen.Contains(value))
            {
                return;
            }

            _nodeParents.Add(parent);
            _nodeNames.Add(name);
            _nodeIndexes.Add(index);
            _pendingValues.Add(value);
            _pendingNodes.Add(_nodeParents.Count - 1);
        }

        /// <summary>Walks everything pushed; lenient walks return false instead of throwing.</summary>
        public bool Run(bool lenient)
        {
            while (_pendingValues.Count > 0)
            {
                var last = _pendingValues.Count - 1;
                var value = _pendingValues[last];
                var node = _pendingNodes[last];
                _pendingValues.RemoveAt(last);
                _pendingNodes.RemoveAt(last);
                if (!_seen.Add(value))
                {
                    continue;
                }

                var type = value.GetType();
                var shape = TypeShape.Of(type);
                AddAssemblies(shape.UserAssemblies);
                if (shape.Refusal is not null || shape.PointerField is not null)
                {
                    if (lenient)
                    {
                        return false;
                    }

                    throw shape.Refusal is not null
                        ? new UnserializableValueException(PathOf(node), type, shape.Refusal)
                        : new UnserializableValueException(PathOf(node) + "." + shape.PointerField, typeof(IntPtr), "a native pointer is meaningful only in this process.");
                }

                switch (shape.Kind)
                {
                    case ShapeKind.Leaf:
                        if (shape.RawElementSize > 0 && (long)((Array)value).Length * shape.RawElementSize > LargestValue)
                        {
                            if (lenient)
                            {
                                return false;
                            }
                            throw TooLarge(PathOf(node), (Array)value, shape.RawElementSize);
                        }
                        if (shape.RawElementSize > 0 && (long)((Array)value).Length * shape.RawElementSize >= LargeValue.Threshold)
                        {
                            // Named in the payload beside its hash, so that a reader's errors say which value.
                            (LargeArrayPaths ??= new(ReferenceEqualityComparer.Instance))[(Array)value] = PathOf(node);
                        }
                        break;
                    case ShapeKind.TypeValue:
                        AddAssemblies(TypeShape.AssembliesOf((Type)value));
                        break;
                    case ShapeKind.Array:
                        var index = 0;
                        foreach (var element in (Array)value)
                        {
                            Push(element, node, "", index++);
                        }

                        break;
                    case ShapeKind.Delegate:
                        if (!WalkDelegate((Delegate)value, node, lenient))
                        {
                            return false;
                        }

                        break;
                    case ShapeKind.Exception:
                        WalkException((Exception)value, node);
                        break;
                    default:
                        var fields = shape.Fields;
                        for (var i = 0; i < fields.Length; i++)
                        {
                            Push(fields[i].GetValue(value), node, shape.FieldPaths[i]);
                        }

                        break;
                }
            }

            return true;
        }

        private bool WalkDelegate(Delegate value, int node, bool lenient)
        {
            // A single-target delegate (nearly every one) is walked without building its invocation list.
            if (value.HasSingleTarget)
            {
                return WalkDelegateTarget(value, value, node, null, lenient);
            }

            var list = value.GetInvocationList();
            for (var i = 0; i < list.Length; i++)
            {
                if (!WalkDelegateTarget(value, list[i], node, $"[{i}].Target", lenient))
                {
                    return false;
                }
            }

            return true;
        }

        private bool WalkDelegateTarget(Delegate value, Delegate single, int node, string? targetPath, bool lenient)
        {
            var method = single.Method;
            if (method.DeclaringType is null || method.Module.Assembly.IsDynamic)
            {
                if (lenient)
                {
                    return false;
                }

                throw new UnserializableValueException(
                    PathOf(node),
                    value.GetType(),
                    "the delegate calls a dynamic method (a compiled expression tree or Reflection.Emit), which exists only in this process; ship a lambda, or the expression's inputs, instead.");
            }

            AddAssemblies(TypeShape.AssembliesOf(method.DeclaringType));
            AddAssembly(method.Module.Assembly);
            if (method.IsGenericMethod)
            {
                foreach (var argument in method.GetGenericArguments())
                {
                    AddAssemblies(TypeShape.AssembliesOf(argument));
                }
            }

            var target = single.Target;
            if (target is not null && !ClosureTargets.IsStatelessSingleton(target))
            {
                Push(target, node, targetPath ?? ".Target");
            }

            return true;
        }

        // Exceptions travel even when a field cannot: such fields are dropped by the writer, not refused here.
        private void WalkException(Exception value, int node)
        {
            if (value is AggregateException aggregate)
            {
                for (var i = 0; i < aggregate.InnerExceptions.Count; i++)
                {
                    Push(aggregate.InnerExceptions[i], node, ".InnerExceptions", i);
                }
            }
            else
            {
                Push(value.InnerException, node, ".InnerException");
            }

            foreach (var field in ExceptionFields.DeclaredBelowException(value.GetType()))
            {
                var fieldValue = field.GetValue(value);
                if (fieldValue is not null && IsShippableAlone(fieldValue))
                {
                    Push(fieldValue, node, "." + TypeShape.DisplayName(field.Name));
                }
            }
        }

        private static bool IsShippableAlone(object value)
        {
            // A walk of its own: the field is judged alone, and left out if it cannot travel.
            var walk = new Walk();
            walk.Push(value, -1, "value");
            return walk.Run(lenient: true);
        }

        private void AddAssemblies(Assembly[] assemblies)
        {
            foreach (var assembly in assemblies)
            {
                AddAssembly(assembly);
            }
        }

        private void AddAssembly(Assembly assembly)
        {
            if (AssemblyKind.IsUser(assembly) && _assemblySet.Add(assembly))
            {
                Assemblies.Add(assembly);
            }
        }

        private string PathOf(int node)
        {
            var segments = new List<string>();
            for (var n = node; n >= 0; n = _nodeParents[n])
            {
                segments.Add(_nodeIndexes[n] == NoIndex ? _nodeNames[n] : $"{_nodeNames[n]}[{_nodeIndexes[n]}]");
            }

            segments.Reverse();
            var path = new StringBuilder();
            foreach (var segment in segments)
            {
                path.Append(segment);
            }

            return path.ToString();
        }
    }
}
