@testable import SecureAggregation
import Sodium
import Testing

@Suite("Messages")
struct MessageTests {
    static func samples() throws -> [(SecAggMessageKind, [UInt8])] {
        let a = X25519.PrivateKey().publicKey, b = X25519.PrivateKey().publicKey
        let signature = [UInt8](repeating: 7, count: 64)
        let advertise = AdvertiseKeys(round: 9, sender: 4, encryptionKey: a, maskingKey: b, signature: signature)
        let unsigned = AdvertiseKeys(round: 9, sender: 5, encryptionKey: b, maskingKey: a, signature: nil)
        let share = EncryptedShare(peer: 3, ciphertext: [UInt8](repeating: 1, count: EncryptedShare.ciphertextByteCount))
        let revealed = RevealedShare(owner: 2, values: [1, 2, 3, 4, 5])
        let messages: [any SecAggMessage] = [
            advertise, unsigned,
            KeyDirectory(round: 9, recipient: 1, threshold: 3, entries: [advertise, unsigned]),
            ShareKeys(round: 9, sender: 1, shares: [share, share]),
            ForwardedShares(round: 9, recipient: 1, shares: [share]),
            MaskedInput(round: 9, sender: 1, vector: try ModularVector([1, 2, 3, 1 << 25], bitWidth: 26)),
            MaskedInput(round: 9, sender: 1, vector: try ModularVector(words: [.max, 0, 5])),
            ConsistencyCheckRequest(round: 9, recipient: 1, survivors: [1, 2, 5]),
            ConsistencyCheckResponse(round: 9, sender: 1, signature: signature),
            ConsistencyCheckResponse(round: 9, sender: 1, signature: nil),
            UnmaskingRequest(round: 9, recipient: 1, selfMaskOwners: [1, 2], keyOwners: [3],
                             signatures: [SurvivorSignature(client: 1, signature: signature)]),
            UnmaskingResponse(round: 9, sender: 1, selfMaskShares: [revealed], keyShares: [revealed, revealed]),
        ]
        return messages.map { (type(of: $0).kind, $0.serialized()) }
    }

    @Test func everyMessageRoundTrips() throws {
        for (kind, bytes) in try Self.samples() {
            #expect(try SecAggWire.kind(of: bytes) == kind)
            let decoded = try decode(kind, bytes)
            #expect(decoded.serialized() == bytes)
        }
    }

    /// Every truncation, every trailing byte and a wrong kind give typed errors, never a crash.
    @Test func malformedBytesGiveTypedErrors() throws {
        for (kind, bytes) in try Self.samples() {
            for length in 0..<bytes.count {
                expectMalformed("\(kind) cut to \(length) bytes") { try decode(kind, Array(bytes.prefix(length))) }
            }
            expectMalformed("\(kind) with a trailing byte") { try decode(kind, bytes + [0]) }
            let other = kind == .advertiseKeys ? SecAggMessageKind.shareKeys : .advertiseKeys
            #expect(throws: SecAggError.unexpectedMessage(expected: "\(other)", received: "\(kind)")) { try decode(other, bytes) }
        }
    }

    @Test func headerErrorsAreSpecific() throws {
        let bytes = try Self.samples()[0].1
        var badVersion = bytes
        badVersion[2] = 2
        #expect(throws: SecAggError.unsupportedVersion(2)) { try AdvertiseKeys(serialized: badVersion) }
        var badMagic = bytes
        badMagic[0] = 0
        #expect(throws: SecAggError.malformedMessage("bad magic bytes")) { try AdvertiseKeys(serialized: badMagic) }
        var badKind = bytes
        badKind[3] = 99
        #expect(throws: SecAggError.malformedMessage("unknown message kind 99")) { try SecAggWire.kind(of: badKind) }
    }

    /// A forged list count cannot make the decoder allocate: it is checked against the bytes left.
    @Test func forgedCountsAreRejected() throws {
        var writer = WireWriter(kind: .consistencyCheckRequest, round: 1)
        writer.append(UInt32(1))
        writer.append(UInt32.max)
        #expect(throws: SecAggError.malformedMessage("list of 4294967295 entries does not fit in 0 bytes")) {
            try ConsistencyCheckRequest(serialized: writer.bytes)
        }
        var vector = WireWriter(kind: .maskedInput, round: 1)
        vector.append(UInt32(1))
        vector.append(UInt8(32))
        vector.append(UInt32.max)
        expectMalformed("a vector of 2^32 − 1 entries in 0 bytes") { try MaskedInput(serialized: vector.bytes) }
        var width = WireWriter(kind: .maskedInput, round: 1)
        width.append(UInt32(1))
        width.append(UInt8(0))
        width.append(UInt32(0))
        expectMalformed("a vector of bit width 0") { try MaskedInput(serialized: width.bytes) }
    }

    /// Random bytes, random headers on random bodies, and valid messages with random bytes
    /// changed: every decoder either throws a decoding error (`malformedMessage`, or
    /// `unsupportedVersion` / `unexpectedMessage` exactly as the header says) or returns a
    /// message of its kind that re-encodes to the same bytes. Some mutants must decode (the
    /// round, ids and payload bytes are free), so both outcomes are exercised.
    @Test func randomBytesGiveTypedErrorsOrRoundTrip() throws {
        var generator = ChaChaRandom(seed: 77)
        let samples = try Self.samples()
        var decoded = 0, refused = 0
        for trial in 0..<3000 {
            var bytes: [UInt8]
            switch trial % 3 {
            case 0:
                bytes = randomBytes(Int(generator.next() % 200), using: &generator)
            case 1:
                bytes = randomBytes(4 + Int(generator.next() % 200), using: &generator)
                bytes[0] = 0x53; bytes[1] = 0x41; bytes[2] = 1; bytes[3] = UInt8(1 + trial % 9)
            default:
                bytes = samples[trial % samples.count].1
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            let header: Result<SecAggMessageKind, SecAggError> = Result { () throws(SecAggError) in try SecAggWire.kind(of: bytes) }
            for kind in SecAggMessageKind.allCases {
                do {
                    let message = try decode(kind, bytes)
                    #expect(type(of: message).kind == kind)
                    #expect(message.serialized() == bytes, "\(kind) does not re-encode to its bytes")
                    #expect(try header.get() == kind)
                    decoded += 1
                } catch let error as SecAggError {
                    refused += 1
                    switch (header, error) {
                    case let (.failure(headerError), _):
                        #expect(error == headerError, "a bad header must fail alike in every decoder")
                    case let (.success(actual), .unexpectedMessage(expected, received)) where actual != kind:
                        #expect(expected == "\(kind)" && received == "\(actual)")
                    case let (.success(actual), .malformedMessage) where actual == kind:
                        break
                    default:
                        Issue.record("\(kind) decoder on \(header) header: unexpected \(error)")
                    }
                }
            }
        }
        #expect(decoded > 50, "only \(decoded) mutants decoded")
        #expect(refused > 1000)
    }
}

/// Expects `body` to throw `SecAggError.malformedMessage`, whatever its text (the text names
/// the offset or field, which varies with the input).
func expectMalformed(_ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("\(comment): expected malformedMessage, nothing was thrown", sourceLocation: sourceLocation)
    } catch SecAggError.malformedMessage(_) {
        // The expected case.
    } catch {
        Issue.record("\(comment): expected malformedMessage, got \(error)", sourceLocation: sourceLocation)
    }
}

func decode(_ kind: SecAggMessageKind, _ bytes: [UInt8]) throws -> any SecAggMessage {
    switch kind {
    case .advertiseKeys: return try AdvertiseKeys(serialized: bytes)
    case .keyDirectory: return try KeyDirectory(serialized: bytes)
    case .shareKeys: return try ShareKeys(serialized: bytes)
    case .forwardedShares: return try ForwardedShares(serialized: bytes)
    case .maskedInput: return try MaskedInput(serialized: bytes)
    case .consistencyCheckRequest: return try ConsistencyCheckRequest(serialized: bytes)
    case .consistencyCheckResponse: return try ConsistencyCheckResponse(serialized: bytes)
    case .unmaskingRequest: return try UnmaskingRequest(serialized: bytes)
    case .unmaskingResponse: return try UnmaskingResponse(serialized: bytes)
    }
}
