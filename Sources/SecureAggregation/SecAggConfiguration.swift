import Sodium

/// The public parameters every party of one aggregation round agrees on.
public struct SecAggConfiguration: Sendable {
    /// The aggregation round; every key, ciphertext and signature is bound to it.
    public let round: UInt64
    /// The Shamir threshold t: fewer than t surviving holders abort the round.
    public let threshold: Int
    /// The bit width b of the inputs' ring Z_{2^b}.
    public let bitWidth: Int
    /// The number of entries m of every input vector.
    public let dimension: Int
    /// Each client's Ed25519 identity key (the PKI of the paper's active setting), or nil for
    /// the semi-honest (unauthenticated) mode.
    public let identities: [UInt32: Ed25519.VerifyingKey]?
    /// The round's neighbour graph, when every party is to know it; nil means the server
    /// alone holds it (or, in authenticated mode, the complete graph over `identities`).
    ///
    /// With a graph here a client accepts keys and shares only from its own neighbours, so a
    /// server cannot surround it with corrupt clients of its choosing. That protection is
    /// only as good as the graph's randomness: against an untrusted server the graph must be
    /// drawn from randomness it cannot bias (a public beacon, or a seed the clients
    /// commit to and reveal), e.g. `SecAggPlusGraph(clientIDs:degree:using:)` with a
    /// `ChaChaRandom` keyed by that public seed. Authenticated SecAgg+ (a sparse graph)
    /// requires it.
    public let graph: SecAggPlusGraph?

    /// Validates the parameters.
    public init(
        round: UInt64, threshold: Int, bitWidth: Int = 32, dimension: Int,
        identities: [UInt32: Ed25519.VerifyingKey]? = nil, graph: SecAggPlusGraph? = nil
    ) throws(SecAggError) {
        guard threshold >= 2 else { throw .invalidParameter(name: "threshold", reason: "threshold must be at least 2, got \(threshold)") }
        try ModularVector.validate(bitWidth: bitWidth, count: dimension)
        if let graph {
            guard threshold <= graph.degree + 1 else {
                throw .invalidParameter(name: "threshold", reason: "threshold \(threshold) exceeds the \(graph.degree + 1) holders of each client's shares")
            }
            if let identities, let unregistered = graph.clientIDs.first(where: { identities[$0] == nil }) {
                throw .invalidParameter(name: "identities", reason: "client \(unregistered) of the graph has no registered identity key")
            }
        }
        self.round = round
        self.threshold = threshold
        self.bitWidth = bitWidth
        self.dimension = dimension
        self.identities = identities
        self.graph = graph
    }

    /// Whether AdvertiseKeys and the consistency check are signed (the active-adversary mode).
    public var isAuthenticated: Bool { identities != nil }

    func identity(of client: UInt32) throws(SecAggError) -> Ed25519.VerifyingKey {
        guard let key = identities?[client] else { throw .unknownClient(client) }
        return key
    }

    func verify(_ signature: [UInt8]?, of statement: [UInt8], by client: UInt32) throws(SecAggError) {
        guard isAuthenticated else { return }
        guard let signature, try identity(of: client).isValidSignature(signature, for: statement) else {
            throw .invalidSignature(client: client)
        }
    }

    /// Whether the round's public parameters let `client` accept `peer` as a neighbour.
    func admits(_ peer: UInt32, asNeighborOf client: UInt32) -> Bool {
        if let graph { return graph.areNeighbors(client, peer) }
        return true
    }
}
