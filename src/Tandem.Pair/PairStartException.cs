namespace Tandem.Pair;

/// <summary>The pair cannot start (short or unreadable secret, pair.bind in use); the message says which key and why.</summary>
public sealed class PairStartException(string message, Exception? inner = null) : Exception(message, inner);
