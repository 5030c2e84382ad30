import Paillier
import Sodium

/// Sums the clients' vectors under Paillier encryption with BatchCrypt-style packing
/// (`Paillier.PackingScheme`): each client quantizes its vector to signed integers,
/// packs many per plaintext (with headroom for n addends, so slots never carry) and
/// encrypts; the server multiplies ciphertexts and never holds the private key. The clients
/// share the key pair (as in cross-silo deployments such as FATE and BatchCrypt) and each
/// decrypts the encrypted sum it downloads.
///
/// **Error.** Entries are clipped to [−bound, bound] and stochastically rounded to the grid
/// of step bound / (2^(b−1) − 1), so each entry of the sum of n vectors is within
/// n·bound / (2^(b−1) − 1) of the exact sum of the clipped inputs (``AggregationOutcome/errorBound``).
public struct PaillierAggregator: Aggregator {
    /// The clients' shared private key (never given to the server).
    public let privateKey: Paillier.PrivateKey
    /// Bits b of one quantized signed value.
    public let valueBits: Int
    private let encryptor: Paillier.ShortExponentEncryptor

    /// `paillier`.
    public var name: String { "paillier" }

    /// An aggregator with a fresh key of `keyBits` bits from libsodium's CSPRNG.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for bad sizes (keys under
    ///   2048 bits need `allowInsecureForTests`).
    public init(keyBits: Int = 2048, valueBits: Int = 32, allowInsecureForTests: Bool = false) throws {
        let key: Paillier.PrivateKey
        do {
            key = try Paillier.PrivateKey.generate(bits: keyBits, allowInsecureForTests: allowInsecureForTests)
        } catch {
            throw FedAvgError.invalidParameter(name: "keyBits", reason: error.description)
        }
        try self.init(privateKey: key, valueBits: valueBits)
    }

    /// An aggregator for an existing key.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for b outside 2...52.
    public init(privateKey: Paillier.PrivateKey, valueBits: Int = 32) throws {
        guard (2...52).contains(valueBits) else {
            throw FedAvgError.invalidParameter(name: "valueBits", reason: "must be in 2...52, got \(valueBits)")
        }
        self.privateKey = privateKey
        self.valueBits = valueBits
        do {
            encryptor = try Paillier.ShortExponentEncryptor(publicKey: privateKey.publicKey)
        } catch {
            throw FedAvgError.invalidParameter(name: "privateKey", reason: error.description)
        }
    }

    /// Encrypts every client's packed vector, sums the ciphertexts, decrypts and dequantizes.
    public func sum(_ contributions: [[Double]], bound: Double, round: UInt64) throws -> AggregationOutcome {
        let dimension = try validate(contributions, bound: bound)
        let n = contributions.count
        let publicKey = privateKey.publicKey
        let clock = ContinuousClock()
        var secure = SecureRandom()
        do {
            let scheme = try Paillier.PackingScheme(publicKey: publicKey, valueBits: valueBits, maxAddends: n)
            let scale = Double(scheme.maxMagnitude) / bound
            var quantized = [Int](repeating: 0, count: dimension)
            var encrypted: [Paillier.PackedCiphertext] = []
            encrypted.reserveCapacity(n)
            var clientTime = Duration.zero
            for contribution in contributions {
                let start = clock.now
                encrypted.append(try Self.encryptClient(contribution, bound: bound, scheme: scheme, encryptor: encryptor, buffer: &quantized, using: &secure))
                clientTime += clock.now - start
            }
            let serverStart = clock.now
            let total = try Paillier.PackedCiphertext.sum(encrypted)
            let serverTime = clock.now - serverStart
            let decryptStart = clock.now
            let sums = try total.decrypt(with: privateKey)
            let decryptTime = clock.now - decryptStart
            let ciphertextBytes = Double(total.ciphertexts.count * ((publicKey.nSquared.bitWidth + 7) / 8))
            return AggregationOutcome(
                sum: sums.map { Double($0) / scale }, errorBound: Double(n) / scale,
                uploadBytesPerClient: ciphertextBytes, downloadBytesPerClient: ciphertextBytes,
                clientCryptoSeconds: clientTime.seconds / Double(n) + decryptTime.seconds, serverCryptoSeconds: serverTime.seconds)
        } catch let error as PaillierError {
            throw FedAvgError.aggregationFailed(reason: error.description)
        }
    }

    // MARK: The two sides, for transports that run clients and server apart

    /// One client's side: `contribution` clipped to [−bound, bound], stochastically rounded to
    /// the grid of step bound / maxMagnitude, packed and encrypted. The in-process
    /// ``sum(_:bound:round:)`` and a federation's site node both call this.
    ///
    /// - Parameters:
    ///   - contribution: the client's vector (finite entries).
    ///   - bound: the public bound on every entry.
    ///   - scheme: the packing (its maxAddends must cover every client of the sum).
    ///   - encryptor: an encryptor for the scheme's public key.
    ///   - buffer: scratch space reused across clients (resized to the vector's length).
    ///   - generator: randomness of the stochastic rounding.
    /// - Throws: ``FedAvgError/aggregationFailed(reason:)`` for a NaN; `PaillierError` from the packing or encryption.
    public static func encryptClient(
        _ contribution: [Double], bound: Double, scheme: Paillier.PackingScheme, encryptor: Paillier.ShortExponentEncryptor,
        buffer quantized: inout [Int], using generator: inout SecureRandom
    ) throws -> Paillier.PackedCiphertext {
        let top = Double(scheme.maxMagnitude), scale = top / bound
        if quantized.count != contribution.count { quantized = [Int](repeating: 0, count: contribution.count) }
        for index in contribution.indices {
            let value = contribution[index]
            guard !value.isNaN else { throw FedAvgError.aggregationFailed(reason: "entry \(index) is NaN") }
            let scaled = min(max(value, -bound), bound) * scale
            let floor = scaled.rounded(.down)
            let rounded = unitInterval(&generator) < scaled - floor ? floor + 1 : floor
            quantized[index] = Int(min(max(rounded, -top), top))
        }
        return try Paillier.PackedCiphertext(encrypting: quantized, scheme: scheme, encryptor: encryptor)
    }

    /// The decrypting side: the decrypted integer sums back on the scale of the vectors.
    public static func dequantize(_ sums: [Int], bound: Double, scheme: Paillier.PackingScheme) -> [Double] {
        let scale = Double(scheme.maxMagnitude) / bound
        return sums.map { Double($0) / scale }
    }

    /// The per-entry error bound of a sum of `contributors` vectors: n·bound / maxMagnitude.
    public static func errorBound(contributors: Int, bound: Double, scheme: Paillier.PackingScheme) -> Double {
        Double(contributors) * bound / Double(scheme.maxMagnitude)
    }
}
