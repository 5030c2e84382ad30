import Paillier
import Sodium

/// ``PaillierAggregator``'s threshold mode (`paillier-threshold`): no single party holds the
/// private key. A trusted dealer splits it among the sites (`Paillier.ThresholdDealer`),
/// so that any `threshold` of them decrypt together and fewer learn nothing.
///
/// One round, simulated in process:
/// 1. every contributing site quantizes, packs and encrypts its vector under the joint public
///    key (BatchCrypt packing, DJN fast encryption), as ``PaillierAggregator`` does;
/// 2. the server multiplies the ciphertexts into the aggregate and publishes the round's
///    ciphertexts with their digests (BLAKE2b-256, bound to the round number);
/// 3. each site that answers checks the request before computing anything: the published
///    ciphertexts match their digests, its own ciphertext is among them (if it contributed),
///    there are at least ``minimumContributions`` of them, and their product is the aggregate
///    it is asked to decrypt. A server asking for one client's ciphertext, or for any value
///    other than the round's sum, is refused. Recomputing the product costs one modular
///    multiplication per ciphertext, negligible next to one partial decryption (three
///    exponentiations with 2|n|-bit exponents), so no cheaper scheme is needed;
/// 4. the site answers with its decryption shares (with proofs); the server verifies them,
///    leaves out failing ones, and combines `threshold` of them.
///
/// Sites that drop out between encryption and decryption are tolerated while at least
/// `threshold` answer.
///
/// **Error.** As ``PaillierAggregator``: each entry of the sum of n vectors is within
/// n·bound / (2^(b−1) − 1) of the exact sum of the clipped inputs.
public struct ThresholdPaillierAggregator: Aggregator {
    /// The joint public key and verification keys.
    public let publicKey: Paillier.ThresholdPublicKey
    /// Bits b of one quantized signed value.
    public let valueBits: Int
    /// The fewest ciphertexts a site accepts in an aggregate it decrypts (at least 2).
    public let minimumContributions: Int
    /// Sites (1-based) that drop out after encryption and do not answer decryption requests.
    public let droppedSites: Set<Int>
    /// Each site's key share (site i at index i − 1): in the simulator they live in one
    /// process, each used only by its site's code path.
    private let keyShares: [Paillier.KeyShare]
    private let encryptor: Paillier.ShortExponentEncryptor

    /// `paillier-threshold`.
    public var name: String { "paillier-threshold" }

    /// An aggregator with a freshly dealt key of `keyBits` bits for `sites` sites.
    ///
    /// - Parameters:
    ///   - keyBits: modulus size (under 2048 bits only with `allowInsecureForTests`).
    ///   - sites: the share holders (every client is a site), 2...256.
    ///   - threshold: sites needed to decrypt, 2...sites.
    ///   - valueBits: bits of one quantized value, 2...52.
    ///   - minimumContributions: the fewest ciphertexts a site agrees to decrypt the product
    ///     of, 2...sites (default 2: never one client's ciphertext alone).
    ///   - droppedSites: sites that do not answer decryption requests (dropout simulation).
    ///   - allowInsecureForTests: permit keys below 2048 bits.
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)``.
    public init(
        keyBits: Int = 2048, sites: Int, threshold: Int, valueBits: Int = 32, minimumContributions: Int = 2,
        droppedSites: Set<Int> = [], allowInsecureForTests: Bool = false
    ) throws {
        let keySet: Paillier.ThresholdKeySet
        do {
            keySet = try Paillier.ThresholdDealer.generate(
                bits: keyBits, parties: sites, threshold: threshold, allowInsecureForTests: allowInsecureForTests)
        } catch {
            throw FedAvgError.invalidParameter(name: "threshold key", reason: error.description)
        }
        try self.init(keySet: keySet, valueBits: valueBits, minimumContributions: minimumContributions, droppedSites: droppedSites)
    }

    /// An aggregator for an already dealt key.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for b outside 2...52, a
    ///   minimum outside 2...parties, or dropped sites that are not sites.
    public init(keySet: Paillier.ThresholdKeySet, valueBits: Int = 32, minimumContributions: Int = 2, droppedSites: Set<Int> = []) throws {
        guard (2...52).contains(valueBits) else {
            throw FedAvgError.invalidParameter(name: "valueBits", reason: "must be in 2...52, got \(valueBits)")
        }
        let parties = keySet.publicKey.parties
        guard (2...parties).contains(minimumContributions) else {
            throw FedAvgError.invalidParameter(name: "minimumContributions", reason: "must be in 2...\(parties), got \(minimumContributions)")
        }
        guard droppedSites.allSatisfy({ (1...parties).contains($0) }) else {
            throw FedAvgError.invalidParameter(name: "droppedSites", reason: "sites are numbered 1...\(parties)")
        }
        publicKey = keySet.publicKey
        keyShares = keySet.shares
        self.valueBits = valueBits
        self.minimumContributions = minimumContributions
        self.droppedSites = droppedSites
        do {
            encryptor = try Paillier.ShortExponentEncryptor(publicKey: keySet.publicKey.publicKey)
        } catch {
            throw FedAvgError.invalidParameter(name: "keySet", reason: error.description)
        }
    }

    /// What the server publishes for the decryption phase of a round.
    public struct DecryptionRequest: Sendable {
        /// The round number.
        public var round: UInt64
        /// Every contributed packed ciphertext vector, in contribution order.
        public var contributions: [Paillier.PackedCiphertext]
        /// Their digests (``digest(of:round:)``).
        public var digests: [[UInt8]]
        /// The aggregate the sites are asked to decrypt.
        public var aggregate: Paillier.PackedCiphertext
    }

    /// The digest of a contributed ciphertext vector: BLAKE2b-256 over a domain label, the
    /// round and every ciphertext's fixed-width bytes.
    public static func digest(of contribution: Paillier.PackedCiphertext, round: UInt64) -> [UInt8] {
        var message = Array("PrivAgg.FedAvg.threshold-paillier.contribution.v1".utf8) + [0]
        for shift in stride(from: 0, to: 64, by: 8) { message.append(UInt8(truncatingIfNeeded: round >> UInt64(shift))) }
        let width = (contribution.scheme.publicKey.nSquared.bitWidth + 7) / 8
        for ciphertext in contribution.ciphertexts {
            // A validated ciphertext lies in [1, n²): it fits the width.
            message += try! ciphertext.value.bigEndianBytes(count: width)
        }
        return BLAKE2b.hash(message, length: 32)
    }

    /// Site `site`'s answer to a decryption request: its decryption shares of the aggregate,
    /// after checking that the aggregate is the product of the round's published ciphertexts.
    ///
    /// - Parameters:
    ///   - request: what the server published.
    ///   - site: the answering site, 1...parties.
    ///   - ownContribution: the digest of what this site sent this round, if it contributed.
    /// - Throws: ``FedAvgError/aggregationFailed(reason:)`` when a check fails (the site refuses).
    public func answer(_ request: DecryptionRequest, site: Int, ownContribution: [UInt8]?) throws -> [Paillier.DecryptionShare] {
        guard (1...keyShares.count).contains(site) else {
            throw FedAvgError.aggregationFailed(reason: "site \(site) holds no key share")
        }
        guard request.contributions.count == request.digests.count,
              zip(request.contributions, request.digests).allSatisfy({ Self.digest(of: $0, round: request.round) == $1 }) else {
            throw FedAvgError.aggregationFailed(reason: "site \(site) refuses: the published ciphertexts do not match their digests")
        }
        guard request.contributions.count >= minimumContributions else {
            throw FedAvgError.aggregationFailed(
                reason: "site \(site) refuses: \(request.contributions.count) contributions, at least \(minimumContributions) required")
        }
        if let ownContribution, !request.digests.contains(ownContribution) {
            throw FedAvgError.aggregationFailed(reason: "site \(site) refuses: its own contribution is missing from the aggregate")
        }
        let recomputed: Paillier.PackedCiphertext
        do {
            recomputed = try Paillier.PackedCiphertext.sum(request.contributions)
        } catch {
            throw FedAvgError.aggregationFailed(reason: "site \(site) refuses: \(error)")
        }
        guard recomputed == request.aggregate else {
            throw FedAvgError.aggregationFailed(reason: "site \(site) refuses: the aggregate is not the product of the round's ciphertexts")
        }
        do {
            return try keyShares[site - 1].partialDecrypt(request.aggregate)
        } catch {
            throw FedAvgError.aggregationFailed(reason: "site \(site): \(error)")
        }
    }

    /// Encrypts every contribution, aggregates, collects decryption shares from the sites
    /// that answer, and combines them.
    ///
    /// - Throws: ``FedAvgError/aggregationFailed(reason:)`` with more contributions than
    ///   sites, fewer answering sites than the threshold, or when shares do not combine.
    public func sum(_ contributions: [[Double]], bound: Double, round: UInt64) throws -> AggregationOutcome {
        let dimension = try validate(contributions, bound: bound)
        let n = contributions.count
        guard n <= keyShares.count else {
            throw FedAvgError.aggregationFailed(reason: "\(n) contributions for \(keyShares.count) sites")
        }
        let clock = ContinuousClock()
        var secure = SecureRandom()
        let paillierKey = publicKey.publicKey
        do {
            let scheme = try Paillier.PackingScheme(publicKey: paillierKey, valueBits: valueBits, maxAddends: n)
            let top = Double(scheme.maxMagnitude), scale = top / bound
            var quantized = [Int](repeating: 0, count: dimension)
            var encrypted: [Paillier.PackedCiphertext] = []
            var digests: [[UInt8]] = []
            var clientTime = Duration.zero
            for contribution in contributions {
                let start = clock.now
                for index in 0..<dimension {
                    let scaled = min(max(contribution[index], -bound), bound) * scale
                    let floor = scaled.rounded(.down)
                    let rounded = unitInterval(&secure) < scaled - floor ? floor + 1 : floor
                    quantized[index] = Int(min(max(rounded, -top), top))
                }
                let packed = try Paillier.PackedCiphertext(encrypting: quantized, scheme: scheme, encryptor: encryptor)
                encrypted.append(packed)
                digests.append(Self.digest(of: packed, round: round))
                clientTime += clock.now - start
            }
            let serverStart = clock.now
            let aggregate = try Paillier.PackedCiphertext.sum(encrypted)
            var serverTime = clock.now - serverStart
            let request = DecryptionRequest(round: round, contributions: encrypted, digests: digests, aggregate: aggregate)

            var answers: [[Paillier.DecryptionShare]] = []
            var siteTime = Duration.zero
            var answering = 0
            for site in 1...keyShares.count where !droppedSites.contains(site) {
                let start = clock.now
                answers.append(try answer(request, site: site, ownContribution: site <= n ? digests[site - 1] : nil))
                siteTime += clock.now - start
                answering += 1
            }
            guard answering >= publicKey.threshold else {
                throw FedAvgError.aggregationFailed(
                    reason: "\(answering) sites answered the decryption request, \(publicKey.threshold) required")
            }
            let combineStart = clock.now
            let sums: [Int]
            do {
                sums = try publicKey.decrypt(aggregate, shares: answers)
            } catch {
                throw FedAvgError.aggregationFailed(reason: error.description)
            }
            serverTime += clock.now - combineStart
            let ciphertextBytes = Double(aggregate.ciphertexts.count * ((paillierKey.nSquared.bitWidth + 7) / 8))
            let shareBytes = ciphertextBytes * 2 + Double(aggregate.ciphertexts.count * (publicKey.proofNonceBits + 7) / 8)
            return AggregationOutcome(
                sum: sums.map { Double($0) / scale }, errorBound: Double(n) / scale,
                // A site uploads its ciphertexts and its decryption shares (c_i, e, z per ciphertext)
                // and downloads every published ciphertext to check the aggregate.
                uploadBytesPerClient: ciphertextBytes + shareBytes * Double(answering) / Double(n),
                downloadBytesPerClient: ciphertextBytes * Double(n + 1),
                clientCryptoSeconds: clientTime.seconds / Double(n) + siteTime.seconds / Double(max(answering, 1)),
                serverCryptoSeconds: serverTime.seconds)
        } catch let error as PaillierError {
            throw FedAvgError.aggregationFailed(reason: error.description)
        }
    }
}
