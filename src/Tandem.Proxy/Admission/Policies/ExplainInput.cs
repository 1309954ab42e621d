using Tandem.Core.Runtime;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>What an explained request carries besides its headers: whether a client address was given, and a described client certificate.</summary>
/// <param name="ClientGiven">Whether the question named the client's address; without one, address checks cannot be decided.</param>
/// <param name="Certificate">The client certificate described by the question; null: the request carries none.</param>
internal sealed record ExplainInput(bool ClientGiven, ExplainedCertificate? Certificate);
