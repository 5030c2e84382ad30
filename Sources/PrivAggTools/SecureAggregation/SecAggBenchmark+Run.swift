import SecureAggregation
import Sodium

extension SecAggBenchmark {
    /// What `privagg bench secagg` asks for.
    public struct Request: Sendable {
        /// Number of clients N.
        public var clients: Int
        /// Graph degree K (N − 1: complete graph).
        public var neighbors: Int
        /// Entries per input M.
        public var dimension: Int
        /// Fraction of clients dropping after ShareKeys.
        public var dropout: Double
        /// Bit width b of Z_{2^b}.
        public var bitWidth = 32
        /// Bits of one plain entry: the expansion's denominator.
        public var inputBits = 32
        /// Corrupt fraction γ of the threshold rule.
        public var corrupt = 0.1
        /// Threshold override; nil applies `SecAggPlusParameters.forDegree`. The reported
        /// margins are those of the threshold used.
        public var threshold: Int?
        /// Run the authenticated (Ed25519) mode.
        public var authenticated = false
        /// Only compute message sizes.
        public var sizeOnly = false
        /// Seed for a reproducible run; nil draws one from the CSPRNG.
        public var seed: UInt64?

        /// A request with default bit widths, corrupt fraction and rule-based threshold.
        public init(clients: Int, neighbors: Int, dimension: Int, dropout: Double) {
            self.clients = clients
            self.neighbors = neighbors
            self.dimension = dimension
            self.dropout = dropout
        }
    }

    /// What it measured.
    public struct Result: Sendable {
        /// The request that was run.
        public let request: Request
        /// The threshold used.
        public let threshold: Int
        /// Security margin of (K, t) under the SecAgg+ rule, in bits.
        public let securityBits: Double
        /// Correctness margin of (K, t) under the SecAgg+ rule, in bits.
        public let correctnessBits: Double
        /// The degree the SecAgg+ rule recommends for N, F and γ (nil if none qualifies).
        public let recommendedNeighbors: Int?
        /// Clients that dropped after ShareKeys.
        public let droppedClients: Int
        /// Sizes from the encoders (expected counts): the figures of a size-only run.
        public let estimatedSizes: SecAggMessageSizes
        /// The simulation, unless size-only.
        public let simulation: SecAggSimulation.Report?
        /// Raw ChaCha20 time for one client's mask bytes, timed right after the simulation.
        public let keystreamSeconds: Double?

        /// Mean bytes a surviving client sent (measured, or estimated in size-only mode).
        public var uploadBytesPerClient: Double { simulation?.uploadBytesPerClient ?? Double(estimatedSizes.upload) }
        /// Mean bytes a surviving client received.
        public var downloadBytesPerClient: Double { simulation?.downloadBytesPerClient ?? Double(estimatedSizes.download) }
        /// Bytes sent by a client ÷ bytes of its plain input (M entries of `inputBits` bits).
        public var expansion: Double {
            uploadBytesPerClient / (Double(request.dimension) * Double(request.inputBits) / 8)
        }
    }

    /// Runs the simulation (unless size-only) and the raw keystream baseline in one process.
    public static func run(_ request: Request) throws(SecAggError) -> Result {
        let n = request.clients, k = request.neighbors
        let threshold = request.threshold ?? SecAggPlusParameters.forDegree(
            k, clientCount: n, dropoutFraction: request.dropout, corruptFraction: request.corrupt,
            authenticated: request.authenticated).threshold
        // The margins of the threshold actually used, which may be a hand-picked one.
        let rule = SecAggPlusParameters.margins(
            degree: k, threshold: threshold, clientCount: n, dropoutFraction: request.dropout, corruptFraction: request.corrupt,
            authenticated: request.authenticated)
        let recommended = try? SecAggPlusParameters.recommended(
            clientCount: n, dropoutFraction: request.dropout, corruptFraction: request.corrupt, authenticated: request.authenticated)
        let dropped = Int((Double(n) * request.dropout).rounded())
        let sizes = try SecAggMessageSizes(
            clientCount: n, degree: k, dimension: request.dimension, bitWidth: request.bitWidth,
            authenticated: request.authenticated, dropoutFraction: request.dropout)
        var simulation: SecAggSimulation.Report?
        var keystream: Double?
        if !request.sizeOnly {
            var secure = SecureRandom()
            let seed = request.seed ?? secure.next()
            var generator = ChaChaRandom(seed: seed ^ 0xA5A5_5A5A_DEAD_BEEF)
            var parameters = SecAggSimulation.Parameters(
                clientCount: n, degree: k, threshold: threshold, dimension: request.dimension, bitWidth: request.bitWidth)
            parameters.authenticated = request.authenticated
            parameters.seed = seed
            parameters.dropouts = [.maskedInputCollection: Set((0..<n).map { UInt32($0) }.shuffled(using: &generator).prefix(dropped))]
            let report = try SecAggSimulation.run(parameters)
            simulation = report
            let maskBytes = request.dimension * (request.bitWidth <= 32 ? 4 : 8)
            let masks = max(1, Int((Double(report.maskBytesPerClient) / Double(maskBytes)).rounded()))
            keystream = try rawKeystreamSeconds(maskByteCount: maskBytes, masks: masks)
        }
        return Result(
            request: request, threshold: threshold, securityBits: rule.securityBits, correctnessBits: rule.correctnessBits,
            recommendedNeighbors: recommended?.degree, droppedClients: dropped, estimatedSizes: sizes,
            simulation: simulation, keystreamSeconds: keystream)
    }
}
