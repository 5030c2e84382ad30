import Bignum
import Foundation
import Paillier
import Sodium

/// Keys shared by all Paillier test suites, so each size is generated (or loaded) once.
enum TestKeys {
    /// A 512-bit key (insecure-for-tests) for the many edge cases.
    static let small: Paillier.PrivateKey = {
        var generator = ChaChaRandom(seed: UInt64(512))
        return try! Paillier.PrivateKey.generate(bits: 512, allowInsecureForTests: true, using: &generator)
    }()

    /// A second small key, for mismatch tests.
    static let otherSmall: Paillier.PrivateKey = {
        var generator = ChaChaRandom(seed: UInt64(513))
        return try! Paillier.PrivateKey.generate(bits: 512, allowInsecureForTests: true, using: &generator)
    }()

    /// One freshly generated 2048-bit key.
    static let key2048: Paillier.PrivateKey = try! Paillier.PrivateKey.generate(bits: 2048)

    /// The 3072-bit key pheutil generated (committed fixture), so no 3072-bit key generation runs.
    static let key3072: Paillier.PrivateKey = try! Paillier.Pheutil.readPrivateKey(Fixtures.data("phe-3072-private.json"))

    /// Fast encryptors, one per key (the table is the expensive part).
    static let shortExponentSmall = try! Paillier.ShortExponentEncryptor(publicKey: small.publicKey)
    static let shortExponent2048 = try! Paillier.ShortExponentEncryptor(publicKey: key2048.publicKey)
    static let shortExponent3072 = try! Paillier.ShortExponentEncryptor(publicKey: key3072.publicKey)
}

/// The committed pheutil fixtures.
enum Fixtures {
    static let folder: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func data(_ name: String) -> Data {
        // A missing fixture is a broken checkout, not an empty file: stop with its name.
        do { return try Data(contentsOf: folder.appendingPathComponent(name)) } catch {
            fatalError("fixture \(name) cannot be read: \(error)")
        }
    }

    /// `expected.tsv`: file name → what `pheutil decrypt` printed.
    static let expected: [(file: String, printed: String)] = {
        String(decoding: data("expected.tsv"), as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t")
            return fields.count == 2 ? (String(fields[0]), String(fields[1])) : nil
        }
    }()
}
