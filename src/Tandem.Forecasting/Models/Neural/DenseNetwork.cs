using System.Numerics.Tensors;

namespace Tandem.Forecasting.Models.Neural;

/// <summary>
/// A small fully connected network: ReLU hidden layers, a linear output layer, masked mean-squared error, trained by
/// <see cref="AdamOptimizer"/>. All parameters live in one array (weights row-major per layer, then biases) so the
/// optimizer and the persisted state are flat; the arithmetic is <see cref="TensorPrimitives"/> over spans.
/// Not thread-safe: one network is trained and used from one thread.
/// </summary>
internal sealed class DenseNetwork
{
    private readonly int[] _sizes;
    private readonly int[] _weightOffsets;
    private readonly int[] _biasOffsets;
    private readonly double[][] _preActivations;
    private readonly double[][] _activations;
    private readonly double[][] _deltas;

    /// <summary>Creates a network with He-uniform weights drawn from <paramref name="random"/> and zero biases.</summary>
    public DenseNetwork(int[] sizes, Random random)
        : this(sizes, new double[ParameterCount(sizes)])
    {
        for (var layer = 0; layer < sizes.Length - 1; layer++)
        {
            var limit = Math.Sqrt(6.0 / sizes[layer]);
            var weights = Parameters.AsSpan(_weightOffsets[layer], sizes[layer] * sizes[layer + 1]);
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = ((random.NextDouble() * 2) - 1) * limit;
            }
        }
    }

    /// <summary>Restores a network from its sizes and flat parameters (as persisted).</summary>
    public DenseNetwork(int[] sizes, double[] parameters)
    {
        if (sizes.Length < 2 || parameters.Length != ParameterCount(sizes))
        {
            throw new ArgumentException("parameters do not match the layer sizes", nameof(parameters));
        }
        _sizes = sizes;
        Parameters = parameters;
        Gradients = new double[parameters.Length];
        var layers = sizes.Length - 1;
        _weightOffsets = new int[layers];
        _biasOffsets = new int[layers];
        var offset = 0;
        for (var layer = 0; layer < layers; layer++)
        {
            _weightOffsets[layer] = offset;
            offset += sizes[layer] * sizes[layer + 1];
            _biasOffsets[layer] = offset;
            offset += sizes[layer + 1];
        }
        _preActivations = new double[layers][];
        _activations = new double[layers][];
        _deltas = new double[layers][];
        for (var layer = 0; layer < layers; layer++)
        {
            _preActivations[layer] = new double[sizes[layer + 1]];
            _activations[layer] = new double[sizes[layer + 1]];
            _deltas[layer] = new double[sizes[layer + 1]];
        }
    }

    public IReadOnlyList<int> Sizes => _sizes;

    public int Inputs => _sizes[0];

    public int Outputs => _sizes[^1];

    /// <summary>Weights and biases, flat; the optimizer updates them in place.</summary>
    public double[] Parameters { get; }

    /// <summary>Summed loss gradients since the last <see cref="ClearGradients"/>.</summary>
    public double[] Gradients { get; }

    public static int ParameterCount(int[] sizes)
    {
        var count = 0;
        for (var layer = 0; layer < sizes.Length - 1; layer++)
        {
            count += (sizes[layer] * sizes[layer + 1]) + sizes[layer + 1];
        }
        return count;
    }

    /// <summary>Runs the network; the returned span is the output layer, valid until the next call.</summary>
    public ReadOnlySpan<double> Forward(ReadOnlySpan<double> input)
    {
        var layers = _sizes.Length - 1;
        var previous = input;
        for (var layer = 0; layer < layers; layer++)
        {
            var inCount = _sizes[layer];
            var z = _preActivations[layer];
            var weights = Parameters.AsSpan(_weightOffsets[layer], inCount * z.Length);
            var biases = Parameters.AsSpan(_biasOffsets[layer], z.Length);
            for (var j = 0; j < z.Length; j++)
            {
                z[j] = TensorPrimitives.Dot(weights.Slice(j * inCount, inCount), previous) + biases[j];
            }
            var a = _activations[layer];
            if (layer < layers - 1)
            {
                TensorPrimitives.Max(z, 0.0, a);
            }
            else
            {
                z.CopyTo(a, 0);
            }
            previous = a;
        }
        return _activations[layers - 1];
    }

    /// <summary>
    /// Adds the gradient of this sample's loss to <see cref="Gradients"/> and returns the loss: the mean squared error
    /// over the outputs whose target is not NaN (0 and no gradient when every target is NaN).
    /// </summary>
    public double Backward(ReadOnlySpan<double> input, ReadOnlySpan<double> target)
    {
        var output = Forward(input);
        var layers = _sizes.Length - 1;
        var delta = _deltas[layers - 1];
        var valid = 0;
        for (var k = 0; k < output.Length; k++)
        {
            if (!double.IsNaN(target[k]))
            {
                valid++;
            }
        }
        if (valid == 0)
        {
            return 0;
        }
        var loss = 0.0;
        for (var k = 0; k < output.Length; k++)
        {
            if (double.IsNaN(target[k]))
            {
                delta[k] = 0;
                continue;
            }
            var error = output[k] - target[k];
            loss += error * error;
            delta[k] = 2 * error / valid;
        }
        for (var layer = layers - 1; layer >= 0; layer--)
        {
            var inCount = _sizes[layer];
            var current = _deltas[layer];
            ReadOnlySpan<double> layerInput = layer == 0 ? input : _activations[layer - 1];
            var weights = Parameters.AsSpan(_weightOffsets[layer], inCount * current.Length);
            var weightGradients = Gradients.AsSpan(_weightOffsets[layer], inCount * current.Length);
            TensorPrimitives.Add(Gradients.AsSpan(_biasOffsets[layer], current.Length), current, Gradients.AsSpan(_biasOffsets[layer], current.Length));
            for (var j = 0; j < current.Length; j++)
            {
                if (current[j] != 0)
                {
                    var row = weightGradients.Slice(j * inCount, inCount);
                    TensorPrimitives.MultiplyAdd(layerInput, current[j], row, row);
                }
            }
            if (layer == 0)
            {
                break;
            }
            var below = _deltas[layer - 1];
            Array.Clear(below);
            for (var j = 0; j < current.Length; j++)
            {
                if (current[j] != 0)
                {
                    TensorPrimitives.MultiplyAdd(weights.Slice(j * inCount, inCount), current[j], below, below);
                }
            }
            var z = _preActivations[layer - 1];
            for (var i = 0; i < below.Length; i++)
            {
                if (z[i] <= 0)
                {
                    below[i] = 0;
                }
            }
        }
        return loss / valid;
    }

    public void ClearGradients() => Array.Clear(Gradients);
}
