import Bignum
import Foundation
import FuzzHarness
import Paillier
import PrivacyAccounting
import SecureAggregation
import Sodium

/// The seed corpus: small, valid examples of every format, made through the public API
/// (`privagg-fuzz seeds Fuzz/Corpus` rewrites the committed folder). Deterministic where the
/// API allows (keys from fixed seeds); ledger timestamps vary.
enum Seeds {
    static func write(to root: String) async throws {
        try saveSeeds(secAggMessages(), as: "secagg-messages", in: root)
        try saveSeeds(pheutilPublicKeys(), as: "pheutil-public-key", in: root)
        try saveSeeds(pheutilPrivateKeys(), as: "pheutil-private-key", in: root)
        try saveSeeds(pheutilCiphertexts(), as: "pheutil-ciphertext", in: root)
        try saveSeeds(await ledgers(), as: "ledger", in: root)
        try saveSeeds(privacyEvents(), as: "privacy-event", in: root)
    }

    static func secAggMessages() throws -> [(String, [UInt8])] { try SecAggSeeds.messages() }

    static func pheutilPublicKeys() throws -> [(String, [UInt8])] {
        [("public-512", [UInt8](try Paillier.Pheutil.write(PheutilTargets.key.publicKey, comment: "fuzz seed")))]
    }

    static func pheutilPrivateKeys() throws -> [(String, [UInt8])] {
        [("private-512", [UInt8](try Paillier.Pheutil.write(PheutilTargets.key, comment: "fuzz seed")))]
    }

    static func pheutilCiphertexts() throws -> [(String, [UInt8])] {
        let publicKey = PheutilTargets.key.publicKey
        var seeds: [(String, [UInt8])] = []
        for (index, value) in [0.0, 1.0, -2.5, 12345.678, 1e-20, -3e30].enumerated() {
            let number = try Paillier.EncryptedNumber(encrypting: Paillier.EncodedNumber(value, publicKey: publicKey))
            seeds.append(("ciphertext-\(index)", [UInt8](try Paillier.Pheutil.write(number))))
        }
        return seeds
    }

    static func ledgers() async throws -> [(String, [UInt8])] {
        let folder = NSTemporaryDirectory() + "/privagg-fuzz-seeds-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }  // scratch space only
        var seeds: [(String, [UInt8])] = []
        for (index, relation) in RDPAccountant.NeighboringRelation.allCases.enumerated() {
            let path = folder + "/\(index).ledger"
            let ledger = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 10, delta: 1e-5), neighboringRelation: relation)
            // Poisson sampling has no bound under replace-one: plain mechanisms there.
            let sampled = relation == .replaceOne
                ? PrivacyEvent.gaussian(noiseMultiplier: 3) : .poissonSampled(rate: 0.1, event: .gaussian(noiseMultiplier: 3))
            try await ledger.spend(sampled, label: "round 1")
            try await ledger.spend(.selfComposed(relation == .replaceOne ? .laplace(scale: 50, sensitivity: 1)
                                                 : .poissonSampled(rate: 0.01, event: .gaussian(noiseMultiplier: 1.1)), count: 100))
            try await ledger.spend(.discreteGaussian(sigma: 20, sensitivity: 1), label: "count, \"quoted\"")
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            seeds.append(("ledger-\(relation.rawValue)", bytes))
            // The same ledger with its last record torn part-way.
            seeds.append(("ledger-\(relation.rawValue)-torn", Array(bytes.dropLast(7))))
        }
        let empty = folder + "/empty.ledger"
        _ = try PrivacyLedger(creatingAt: empty, budget: .init(epsilon: 1, delta: 1e-6))
        seeds.append(("ledger-header-only", [UInt8](try Data(contentsOf: URL(fileURLWithPath: empty)))))
        return seeds
    }

    static func privacyEvents() throws -> [(String, [UInt8])] {
        let events: [PrivacyEvent] = [
            .noOp, .nonPrivate, .gaussian(noiseMultiplier: 1.1), .laplace(scale: 2, sensitivity: 1),
            .discreteLaplace(scale: 3, sensitivity: 2), .discreteGaussian(sigma: 5, sensitivity: 1),
            .randomizedResponse(noiseParameter: 0.25, buckets: 4), .zeroConcentrated(rho: 0.5),
            .poissonSampled(rate: 0.01, event: .gaussian(noiseMultiplier: 4)),
            .sampledWithoutReplacement(sourceSize: 1000, sampleSize: 10, event: .gaussian(noiseMultiplier: 2)),
            .composed([.gaussian(noiseMultiplier: 3), .laplace(scale: 1, sensitivity: 1)]),
            .selfComposed(.poissonSampled(rate: 0.1, event: .gaussian(noiseMultiplier: 3)), count: 300),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try events.map { ($0.typeName, [UInt8](try encoder.encode($0))) }
    }
}
