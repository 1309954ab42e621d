using Tandem.Forecasting.Models.Neural;

namespace Tandem.Forecasting.Tests.Models;

public sealed class DenseNetworkTests
{
    [Fact]
    public void Backward_RandomNetwork_MatchesFiniteDifferenceGradient()
    {
        var network = new DenseNetwork([5, 7, 4, 3], new Random(42));
        double[] input = [0.3, -1.2, 0.8, 0.05, 1.5];
        double[] target = [0.7, double.NaN, -0.4];
        network.ClearGradients();
        network.Backward(input, target);
        var analytic = (double[])network.Gradients.Clone();

        const double Step = 1e-6;
        var worst = 0.0;
        for (var i = 0; i < network.Parameters.Length; i++)
        {
            var saved = network.Parameters[i];
            network.Parameters[i] = saved + Step;
            var plus = Loss(network, input, target);
            network.Parameters[i] = saved - Step;
            var minus = Loss(network, input, target);
            network.Parameters[i] = saved;
            var numeric = (plus - minus) / (2 * Step);
            var error = Math.Abs(numeric - analytic[i]) / Math.Max(1e-4, Math.Abs(numeric) + Math.Abs(analytic[i]));
            worst = Math.Max(worst, error);
        }

        Assert.True(worst < 1e-5, $"worst relative gradient error {worst}");
        Assert.Contains(analytic, g => g != 0);
    }

    [Fact]
    public void Backward_AllTargetsNaN_NoLossAndNoGradient()
    {
        var network = new DenseNetwork([2, 3, 1], new Random(1));
        network.ClearGradients();

        var loss = network.Backward([1.0, 2.0], [double.NaN]);

        Assert.Equal(0, loss);
        Assert.All(network.Gradients, g => Assert.Equal(0, g));
    }

    [Fact]
    public void Train_SameSeed_SameWeights()
    {
        double[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
        double[] targets = [0, 1, 1, 0];
        var budget = new TrainingBudget(2_000, 1, 500);

        var a = new DenseNetwork([2, 8, 1], new Random(7));
        NetworkTrainer.Train(a, inputs, targets, 4, budget, new Random(7), CancellationToken.None);
        var b = new DenseNetwork([2, 8, 1], new Random(7));
        NetworkTrainer.Train(b, inputs, targets, 4, budget, new Random(7), CancellationToken.None);

        Assert.Equal(a.Parameters, b.Parameters);
    }

    [Fact]
    public void Train_Cancelled_StopsAtOnceAndKeepsWeights()
    {
        var network = new DenseNetwork([2, 8, 1], new Random(7));
        var before = (double[])network.Parameters.Clone();

        var epochs = NetworkTrainer.Train(network, [0, 1], [1], 1, TrainingBudget.Default, new Random(7), new CancellationToken(canceled: true));

        Assert.Equal(0, epochs);
        Assert.Equal(before, network.Parameters);
    }

    private static double Loss(DenseNetwork network, double[] input, double[] target)
    {
        var output = network.Forward(input);
        double sum = 0;
        var count = 0;
        for (var k = 0; k < target.Length; k++)
        {
            if (!double.IsNaN(target[k]))
            {
                sum += (output[k] - target[k]) * (output[k] - target[k]);
                count++;
            }
        }
        return sum / count;
    }
}
