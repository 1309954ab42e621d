namespace Tandem.Forecasting.Models;

/// <summary>A trained model's state as persisted (JSON): named scalars and arrays, read back by the same model type.</summary>
public sealed record ModelState(string Model, Dictionary<string, double> Scalars, Dictionary<string, double[]> Arrays)
{
    public static ModelState Empty(string model) => new(model, [], []);

    public double Scalar(string key) =>
        Scalars.TryGetValue(key, out var value) ? value : throw new InvalidDataException($"model '{Model}': state has no '{key}'");

    public double[] Array(string key) =>
        Arrays.TryGetValue(key, out var value) ? value : throw new InvalidDataException($"model '{Model}': state has no '{key}'");
}

/// <summary>A model whose trained state can be saved and loaded, so a restarted node need not retrain.</summary>
internal interface IPersistentModel
{
    ModelState Save();

    void Load(ModelState state);
}
