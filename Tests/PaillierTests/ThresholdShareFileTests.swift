import Bignum
import Foundation
@testable import Paillier
import Sodium
import Testing

@Suite("Threshold Paillier files")
struct ThresholdShareFileTests {
    let key = ThresholdFixture.publicKey
    let shares = ThresholdFixture.shares

    /// Every spelling of `value` a careless writer could have used.
    func spellings(of value: BigInt, width: Int) throws -> [String] {
        let minimal = try value.bigEndianBytes()
        let fixed = try value.bigEndianBytes(count: width)
        return [value.description, value.toString(radix: 16), value.toString(radix: 16).uppercased(),
                Data(minimal).base64EncodedString(), Data(fixed).base64EncodedString(), try value.base64URLEncoded()]
    }

    func replacing(_ text: String, with replacement: String, in data: Data) throws -> Data {
        let string = String(decoding: data, as: UTF8.self)
        try #require(string.contains(text))
        return Data(string.replacingOccurrences(of: text, with: replacement).utf8)
    }

    @Test func sealedSharesRoundTripAndHoldNoPlaintextSecret() throws {
        let parties = (0..<4).map { _ in X25519.PrivateKey() }
        let files = try shares.map { try ThresholdShareFile.write($0, sealedTo: parties[$0.party - 1].publicKey) }
        let publicFile = try ThresholdShareFile.write(key)
        let width = (key.shareBits + 7) / 8
        var secrets = try spellings(of: ThresholdFixture.d, width: width)
        for share in shares { secrets += try spellings(of: share.secret, width: width) }
        for file in files + [publicFile] {
            let text = String(decoding: file, as: UTF8.self)
            for secret in secrets { #expect(!text.contains(secret)) }
            // And not as raw bytes either.
            for share in shares { #expect(file.range(of: Data(try share.secret.bigEndianBytes())) == nil) }
        }
        for (index, file) in files.enumerated() {
            let read = try ThresholdShareFile.readKeyShare(file, recipient: parties[index], allowInsecureForTests: true)
            #expect(read.party == index + 1 && read.secret == shares[index].secret && read.publicKey == key)
            #expect(try ThresholdShareFile.readPublicKey(file, allowInsecureForTests: true) == key)
        }
        #expect(try ThresholdShareFile.readPublicKey(publicFile, allowInsecureForTests: true) == key)
        // Sealing is randomized: two files for one share differ.
        #expect(try ThresholdShareFile.write(shares[0], sealedTo: parties[0].publicKey) != files[0])
    }

    @Test func malformedKeyShareFilesGiveTypedErrors() throws {
        let party = X25519.PrivateKey()
        let file = try ThresholdShareFile.write(shares[0], sealedTo: party.publicKey)
        let json = try #require(try JSONSerialization.jsonObject(with: file) as? [String: Any])
        func edited(_ change: (inout [String: Any]) -> Void) throws -> Data {
            var copy = json
            change(&copy)
            return try JSONSerialization.data(withJSONObject: copy)
        }
        #expect(throws: ThresholdPaillierError.wrongRecipient) {
            try ThresholdShareFile.readKeyShare(file, recipient: X25519.PrivateKey(), allowInsecureForTests: true)
        }
        #expect(throws: ThresholdPaillierError.wrongRecipient) {
            try ThresholdShareFile.readKeyShare(file, recipient: nil, allowInsecureForTests: true)
        }
        // One flipped byte of the sealed share.
        let box = try #require(json["share"] as? [String: Any])
        let sealedText = try #require(box["sealed"] as? String)
        var sealed = try #require(Data(base64Encoded: sealedText))
        sealed[sealed.count / 2] ^= 1
        let flipped = try edited { $0["share"] = box.merging(["sealed": sealed.base64EncodedString()]) { $1 } }
        #expect(throws: ThresholdPaillierError.sealedShareDoesNotOpen) {
            try ThresholdShareFile.readKeyShare(flipped, recipient: party, allowInsecureForTests: true)
        }
        // The header is bound: party 1's sealed share relabelled as party 2's, or a changed threshold.
        #expect(throws: ThresholdPaillierError.sealedShareDoesNotOpen) {
            try ThresholdShareFile.readKeyShare(try edited { $0["party"] = 2 }, recipient: party, allowInsecureForTests: true)
        }
        #expect(throws: ThresholdPaillierError.sealedShareDoesNotOpen) {
            try ThresholdShareFile.readKeyShare(try edited { $0["threshold"] = 2 }, recipient: party, allowInsecureForTests: true)
        }
        #expect(throws: ThresholdPaillierError.unsupportedVersion(2)) {
            try ThresholdShareFile.readKeyShare(try edited { $0["version"] = 2 }, recipient: party, allowInsecureForTests: true)
        }
        #expect(throws: ThresholdPaillierError.wrongFileFormat(expected: ThresholdShareFile.keyShareFormat, found: ThresholdShareFile.publicKeyFormat)) {
            try ThresholdShareFile.readKeyShare(try ThresholdShareFile.write(key), recipient: party, allowInsecureForTests: true)
        }
        #expect(throws: ThresholdPaillierError.unknownParty(7)) {
            try ThresholdShareFile.readKeyShare(try edited { $0["party"] = 7 }, recipient: party, allowInsecureForTests: true)
        }
        #expect(throws: ThresholdPaillierError.malformedFile("\"party\" is missing")) {
            try ThresholdShareFile.readKeyShare(try edited { $0["party"] = nil }, recipient: party, allowInsecureForTests: true)
        }
        #expect(throws: ThresholdPaillierError.malformedFile("\"share.ephemeral\" must be 32 bytes, got 3")) {
            try ThresholdShareFile.readKeyShare(try edited { $0["share"] = box.merging(["ephemeral": "AAAA"]) { $1 } },
                                                recipient: party, allowInsecureForTests: true)
        }
        #expect(throws: ThresholdPaillierError.malformedFile("unknown share mode \"rot13\"")) {
            try ThresholdShareFile.readKeyShare(try edited { $0["share"] = box.merging(["mode": "rot13"]) { $1 } },
                                                recipient: party, allowInsecureForTests: true)
        }
        #expect(throws: ThresholdPaillierError.paillier(.keyTooSmall(bits: 512, minimum: 2048))) {
            try ThresholdShareFile.readKeyShare(file, recipient: party)
        }
        // Not JSON, truncated, a duplicate key.
        for broken in [Data("not json".utf8), file.prefix(file.count / 2), Data(#"{"format":"a","format":"b"}"#.utf8)] {
            let error = #expect(throws: ThresholdPaillierError.self) {
                try ThresholdShareFile.readKeyShare(broken, recipient: party, allowInsecureForTests: true)
            }
            guard case .malformedFile = error else {
                Issue.record("expected malformedFile, got \(String(describing: error))")
                continue
            }
        }
    }

    @Test func plainSharesNeedTheInsecureOption() throws {
        #expect(throws: ThresholdPaillierError.unsealedShareRefused) { try ThresholdShareFile.writeUnsealed(shares[2], allowInsecureForTests: false) }
        let plain = try ThresholdShareFile.writeUnsealed(shares[2], allowInsecureForTests: true)
        #expect(throws: ThresholdPaillierError.unsealedShareRefused) { try ThresholdShareFile.readKeyShare(plain, recipient: nil) }
        #expect(try ThresholdShareFile.readKeyShare(plain, recipient: nil, allowInsecureForTests: true).secret == shares[2].secret)
        let tampered = try replacing(shares[2].secret.description, with: (shares[2].secret + 2).description, in: plain)
        #expect(throws: ThresholdPaillierError.invalidKeyShare(party: 3, reason: "it does not match the party's verification key")) {
            try ThresholdShareFile.readKeyShare(tampered, recipient: nil, allowInsecureForTests: true)
        }
    }

    @Test func decryptionShareFilesRoundTripAndAreChecked() throws {
        let ciphertext = try key.publicKey.encrypt(BigInt(31337))
        let share = try shares[1].partialDecrypt(ciphertext)
        let file = try ThresholdShareFile.write(share, exponent: -3, publicKey: key)
        let read = try ThresholdShareFile.readDecryptionShare(file, publicKey: key)
        #expect(read.share == share && read.exponent == -3)
        let unknown = try replacing(#""party":2"#, with: #""party":9"#, in: file)
        #expect(throws: ThresholdPaillierError.unknownParty(9)) { try ThresholdShareFile.readDecryptionShare(unknown, publicKey: key) }
        let huge = try replacing(share.response.description, with: share.response.description + "0000000000000000000000000000000000000000000000000000000000", in: file)
        #expect(throws: ThresholdPaillierError.malformedShare(party: 2, reason: "the response is out of range")) {
            try ThresholdShareFile.readDecryptionShare(huge, publicKey: key)
        }
        let badExponent = try replacing(#""e":-3"#, with: #""e":5000"#, in: file)
        #expect(throws: ThresholdPaillierError.paillier(.exponentOutOfRange(5000))) { try ThresholdShareFile.readDecryptionShare(badExponent, publicKey: key) }
        let negative = try replacing(share.value.description, with: "-" + share.value.description, in: file)
        #expect(throws: ThresholdPaillierError.malformedFile("\"value\" is not a non-negative decimal integer")) {
            try ThresholdShareFile.readDecryptionShare(negative, publicKey: key)
        }
        // Under another key: refused by fingerprint.
        var generator = ChaChaRandom(seed: UInt64(4))
        let other = try Paillier.ThresholdDealer.generate(bits: 256, parties: 3, threshold: 2, allowInsecureForTests: true, using: &generator)
        let error = #expect(throws: ThresholdPaillierError.self) { try ThresholdShareFile.readDecryptionShare(file, publicKey: other.publicKey) }
        guard case .paillier(.differentKey) = error else {
            Issue.record("expected differentKey, got \(String(describing: error))")
            return
        }
    }

    @Test func partyKeyFilesRoundTrip() throws {
        let partyKey = X25519.PrivateKey()
        let keyFile = try ThresholdShareFile.write(partyKey: partyKey)
        let publicFile = try ThresholdShareFile.write(partyPublicKey: partyKey.publicKey)
        #expect(try ThresholdShareFile.readPartyKey(keyFile).publicKey == partyKey.publicKey)
        #expect(try ThresholdShareFile.readPartyPublicKey(publicFile) == partyKey.publicKey)
        #expect(try ThresholdShareFile.readPartyPublicKey(keyFile) == partyKey.publicKey)
        #expect(throws: ThresholdPaillierError.wrongFileFormat(expected: ThresholdShareFile.partyPrivateKeyFormat, found: ThresholdShareFile.partyPublicKeyFormat)) {
            try ThresholdShareFile.readPartyKey(publicFile)
        }
        let smallOrder = try replacing(Data(partyKey.publicKey.rawRepresentation).base64EncodedString(),
                                       with: Data([UInt8](repeating: 0, count: 32)).base64EncodedString(), in: publicFile)
        #expect(throws: ThresholdPaillierError.malformedFile("\"public\" is a small-order X25519 point")) {
            try ThresholdShareFile.readPartyPublicKey(smallOrder)
        }
    }
}
