namespace Tandem.Forecasting.Models.Neural;

/// <summary>Adam (Kingma and Ba, 2015) over a flat parameter array, with the paper's default betas and epsilon.</summary>
internal sealed class AdamOptimizer(int parameterCount, double learningRate)
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private readonly double[] _m = new double[parameterCount];
    private readonly double[] _v = new double[parameterCount];
    private int _step;

    /// <summary>One update from gradients summed over <paramref name="batchSize"/> samples.</summary>
    public void Step(double[] parameters, double[] gradients, int batchSize)
    {
        _step++;
        var correction1 = 1 - Math.Pow(Beta1, _step);
        var correction2 = 1 - Math.Pow(Beta2, _step);
        var scale = 1.0 / batchSize;
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradients[i] * scale;
            _m[i] = (Beta1 * _m[i]) + ((1 - Beta1) * g);
            _v[i] = (Beta2 * _v[i]) + ((1 - Beta2) * g * g);
            parameters[i] -= learningRate * (_m[i] / correction1) / (Math.Sqrt(_v[i] / correction2) + Epsilon);
        }
    }
}
