namespace Tandem.Hosting;

/// <summary>A port could not be bound at startup; the message names the listener and the address.</summary>
internal sealed class NodeStartException(string message, Exception inner) : Exception(message, inner);
