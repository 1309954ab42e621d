namespace Tandem.Forecasting.Models.Neural;

/// <summary>
/// Mini-batch training with Adam on masked MSE. The work is bounded twice: a cap on sample updates (so a year of
/// history costs a fixed amount) and the cancellation token (a wall-clock budget set by the caller). Cancelled
/// training stops after the current batch and keeps the weights reached so far.
/// </summary>
internal static class NetworkTrainer
{
    public const int BatchSize = 32;
    public const double LearningRate = 1e-3;

    /// <summary>Trains on rows of <paramref name="inputs"/> / <paramref name="targets"/> (row-major, one sample per row); returns the epochs run.</summary>
    public static int Train(DenseNetwork network, double[] inputs, double[] targets, int samples, TrainingBudget budget, Random random, CancellationToken cancellationToken)
    {
        if (samples == 0)
        {
            return 0;
        }
        var epochs = Math.Clamp((int)Math.Ceiling((double)budget.SampleUpdates / samples), budget.MinEpochs, budget.MaxEpochs);
        var optimizer = new AdamOptimizer(network.Parameters.Length, LearningRate);
        var order = new int[samples];
        for (var i = 0; i < samples; i++)
        {
            order[i] = i;
        }
        var inCount = network.Inputs;
        var outCount = network.Outputs;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            Shuffle(order, random);
            for (var start = 0; start < samples; start += BatchSize)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return epoch;
                }
                var end = Math.Min(samples, start + BatchSize);
                network.ClearGradients();
                for (var s = start; s < end; s++)
                {
                    var row = order[s];
                    network.Backward(inputs.AsSpan(row * inCount, inCount), targets.AsSpan(row * outCount, outCount));
                }
                optimizer.Step(network.Parameters, network.Gradients, end - start);
            }
        }
        return epochs;
    }

    private static void Shuffle(int[] order, Random random)
    {
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}

/// <summary>How much training a network gets: <see cref="SampleUpdates"/> spread over epochs, clamped to [min, max] epochs.</summary>
internal sealed record TrainingBudget(int SampleUpdates, int MinEpochs, int MaxEpochs)
{
    public static readonly TrainingBudget Default = new(200_000, 15, 60);
}
