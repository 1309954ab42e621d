using Microsoft.ML.Trainers.FastTree;

namespace Tandem.Forecasting.Models.Gbm;

/// <summary>
/// A trained regression tree ensemble held as flat arrays: predicting walks them directly (no ML.NET pipeline per
/// call, about a microsecond), and they persist in the forecaster's JSON like the networks' weights. A node n goes
/// left when feature[Feature[n]] &lt;= Threshold[n]; a negative child c is leaf ~c of that tree.
/// </summary>
internal sealed class TreeEnsemble
{
    private readonly int[] _treeStart;
    private readonly int[] _leafStart;
    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly double[] _leaf;
    private readonly double _bias;

    private TreeEnsemble(int[] treeStart, int[] leafStart, int[] feature, float[] threshold, int[] left, int[] right, double[] leaf, double bias)
    {
        _treeStart = treeStart;
        _leafStart = leafStart;
        _feature = feature;
        _threshold = threshold;
        _left = left;
        _right = right;
        _leaf = leaf;
        _bias = bias;
    }

    public int Trees => _treeStart.Length;

    /// <summary>Copies ML.NET's trained ensemble, folding each tree's weight into its leaves.</summary>
    public static TreeEnsemble From(RegressionTreeEnsemble ensemble)
    {
        var treeStart = new List<int>();
        var leafStart = new List<int>();
        var feature = new List<int>();
        var threshold = new List<float>();
        var left = new List<int>();
        var right = new List<int>();
        var leaf = new List<double>();
        for (var k = 0; k < ensemble.Trees.Count; k++)
        {
            var tree = ensemble.Trees[k];
            var weight = ensemble.TreeWeights[k];
            treeStart.Add(feature.Count);
            leafStart.Add(leaf.Count);
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                if (tree.CategoricalSplitFlags[n])
                {
                    throw new NotSupportedException("categorical splits are not used by the forecasting features");
                }
                feature.Add(tree.NumericalSplitFeatureIndexes[n]);
                threshold.Add(tree.NumericalSplitThresholds[n]);
                left.Add(tree.LeftChild[n]);
                right.Add(tree.RightChild[n]);
            }
            foreach (var value in tree.LeafValues)
            {
                leaf.Add(value * weight);
            }
        }
        return new TreeEnsemble([.. treeStart], [.. leafStart], [.. feature], [.. threshold], [.. left], [.. right], [.. leaf], ensemble.Bias);
    }

    public double Predict(ReadOnlySpan<float> features)
    {
        var sum = _bias;
        for (var k = 0; k < _treeStart.Length; k++)
        {
            var offset = _treeStart[k];
            var end = k + 1 < _treeStart.Length ? _treeStart[k + 1] : _feature.Length;
            if (offset == end)
            {
                // A tree without splits is a single leaf.
                sum += _leaf[_leafStart[k]];
                continue;
            }
            var node = 0;
            while (node >= 0)
            {
                var i = offset + node;
                node = features[_feature[i]] <= _threshold[i] ? _left[i] : _right[i];
            }
            sum += _leaf[_leafStart[k] + ~node];
        }
        return sum;
    }

    public void Save(ModelState state)
    {
        state.Scalars["bias"] = _bias;
        state.Arrays["treeStart"] = Doubles(_treeStart);
        state.Arrays["leafStart"] = Doubles(_leafStart);
        state.Arrays["feature"] = Doubles(_feature);
        state.Arrays["threshold"] = [.. _threshold.Select(t => (double)t)];
        state.Arrays["left"] = Doubles(_left);
        state.Arrays["right"] = Doubles(_right);
        state.Arrays["leaf"] = _leaf;
    }

    public static TreeEnsemble Load(ModelState state)
    {
        var feature = Ints(state.Array("feature"));
        var left = Ints(state.Array("left"));
        var right = Ints(state.Array("right"));
        var threshold = state.Array("threshold").Select(t => (float)t).ToArray();
        var leaf = state.Array("leaf");
        var treeStart = Ints(state.Array("treeStart"));
        var leafStart = Ints(state.Array("leafStart"));
        var ensemble = new TreeEnsemble(treeStart, leafStart, feature, threshold, left, right, leaf, state.Scalar("bias"));
        if (!ensemble.Consistent())
        {
            throw new InvalidDataException($"model '{state.Model}': inconsistent tree arrays");
        }
        return ensemble;
    }

    /// <summary>True when every node's feature and children stay inside its tree: a damaged file must not index out of range or loop.</summary>
    private bool Consistent()
    {
        if (_left.Length != _feature.Length || _right.Length != _feature.Length || _threshold.Length != _feature.Length || _leafStart.Length != _treeStart.Length)
        {
            return false;
        }
        for (var k = 0; k < _treeStart.Length; k++)
        {
            var start = _treeStart[k];
            var end = k + 1 < _treeStart.Length ? _treeStart[k + 1] : _feature.Length;
            var leaves = (k + 1 < _leafStart.Length ? _leafStart[k + 1] : _leaf.Length) - _leafStart[k];
            if (start < 0 || end < start || end > _feature.Length || _leafStart[k] < 0 || leaves < 1 || _leafStart[k] + leaves > _leaf.Length)
            {
                return false;
            }
            for (var i = start; i < end; i++)
            {
                if (_feature[i] < 0 || _feature[i] >= GbmFeatures.Count || !Child(_left[i], i - start, end - start, leaves) || !Child(_right[i], i - start, end - start, leaves))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>A child is a later node of the same tree (so a walk always ends) or one of its leaves.</summary>
    private static bool Child(int child, int node, int nodes, int leaves) => child >= 0 ? child > node && child < nodes : ~child < leaves;

    private static double[] Doubles(int[] values) => [.. values.Select(v => (double)v)];

    private static int[] Ints(double[] values) => [.. values.Select(v => (int)v)];
}
