import FuzzHarness
import SecureAggregation

/// SecAgg wire messages. Oracles: a message decodes only under the kind its header names
/// (every other decoder says `unexpectedMessage`, or all fail alike when the header itself is
/// bad); whatever decodes re-encodes to exactly the input bytes (the format has one encoding
/// per message: fixed-width fields, exact lengths, zero padding bits, no trailing bytes).
enum SecAggMessagesTarget {
    static func decode(_ kind: SecAggMessageKind, _ bytes: [UInt8]) throws(SecAggError) -> any SecAggMessage {
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

    static func run(_ bytes: [UInt8]) {
        let kind: SecAggMessageKind
        do {
            kind = try SecAggWire.kind(of: bytes)
        } catch {
            // A header that does not parse: no decoder may accept the bytes.
            for candidate in SecAggMessageKind.allCases {
                do {
                    _ = try decode(candidate, bytes)
                    violated("\(candidate) decoded bytes whose header is invalid (\(error))")
                } catch let other {
                    guard other == error else { violated("\(candidate) said \(other), the header reader said \(error)") }
                }
            }
            return
        }
        for other in SecAggMessageKind.allCases where other != kind {
            do {
                _ = try decode(other, bytes)
                violated("a \(kind) message decoded as \(other)")
            } catch {
                guard case .unexpectedMessage = error else { violated("\(other) decoder on a \(kind) message: \(error), not unexpectedMessage") }
            }
        }
        let message: any SecAggMessage
        do { message = try decode(kind, bytes) } catch { return }  // a typed SecAggError: the contract
        guard type(of: message).kind == kind else { violated("\(kind) bytes decoded to \(type(of: message))") }
        let encoded = message.serialized()
        guard encoded == bytes else {
            violated("\(kind) round trip: \(bytes.count) bytes in, \(encoded.count) different bytes out")
        }
    }
}
