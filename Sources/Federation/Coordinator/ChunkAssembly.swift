import Foundation

/// The coordinator's assembly of chunked ProtocolMessages (``FederationProtocol/chunked(_:)``):
/// one buffer per site with a payload under way, sized to that payload and released the moment
/// its last piece arrives, so the bytes held are those of the sites sending at once (the round
/// driver's masked-input window), never one payload per site.
struct ChunkAssembly {
    /// One site's payload under way.
    private struct Partial {
        var session: Int
        var round: UInt64
        var totalLength: Int
        var bytes: Data
    }

    /// What one message contributed.
    enum Outcome: Equatable {
        /// The message is whole (not chunked, or the last piece): hand it on.
        case complete(Privagg_Federation_V1_SiteMessage)
        /// A piece of a payload still under way.
        case incomplete
    }

    /// The largest payload a site may announce.
    let maximumPayloadBytes: Int
    private var partials: [Int: Partial] = [:]
    /// Bytes held in unfinished payloads now, and the most held at once so far.
    private(set) var heldBytes = 0
    private(set) var peakHeldBytes = 0

    /// An assembly refusing payloads above `maximumPayloadBytes`.
    init(maximumPayloadBytes: Int) {
        self.maximumPayloadBytes = maximumPayloadBytes
    }

    /// Takes site `index`'s next message of session `session`.
    ///
    /// - Returns: the whole message once its last piece arrived (a message that is not a
    ///   piece at once), or ``Outcome/incomplete``.
    /// - Throws: ``FederationError/malformedMessage(_:)`` for a piece that does not continue
    ///   the site's payload under way (another round or length, a piece beyond the length, an
    ///   empty or oversized piece), a length above the limit, or another message while a
    ///   payload is under way. The site's partial payload is discarded.
    mutating func accept(_ message: Privagg_Federation_V1_SiteMessage, index: Int, session: Int) throws -> Outcome {
        guard case .protocol(let piece) = message.kind, piece.totalLength != 0 else {
            if partials[index] != nil {
                discard(index)
                throw FederationError.malformedMessage("\(message.kindName) while a chunked protocol message was under way")
            }
            return .complete(message)
        }
        guard piece.totalLength <= UInt64(maximumPayloadBytes) else {
            discard(index)
            throw FederationError.malformedMessage("a chunked protocol message of \(piece.totalLength) bytes, above the \(maximumPayloadBytes)-byte limit")
        }
        let total = Int(piece.totalLength)
        guard !piece.payload.isEmpty, piece.payload.count <= FederationProtocol.maximumChunkBytes else {
            discard(index)
            throw FederationError.malformedMessage("a piece of \(piece.payload.count) bytes (1...\(FederationProtocol.maximumChunkBytes) expected)")
        }
        var partial: Partial
        if let existing = partials.removeValue(forKey: index) {
            partial = existing
            guard partial.session == session, partial.round == piece.round, partial.totalLength == total else {
                heldBytes -= partial.bytes.count
                throw FederationError.malformedMessage("a piece of round \(piece.round) and length \(total) continuing a message of round \(partial.round) and length \(partial.totalLength)")
            }
        } else {
            // The first piece: the only allocation, exactly the payload's size.
            partial = Partial(session: session, round: piece.round, totalLength: total, bytes: Data(capacity: total))
        }
        guard partial.bytes.count + piece.payload.count <= total else {
            heldBytes -= partial.bytes.count
            throw FederationError.malformedMessage("pieces beyond the announced \(total) bytes")
        }
        partial.bytes.append(piece.payload)
        heldBytes += piece.payload.count
        peakHeldBytes = max(peakHeldBytes, heldBytes)
        guard partial.bytes.count == total else {
            partials[index] = partial
            return .incomplete
        }
        heldBytes -= total
        var whole = Privagg_Federation_V1_SiteMessage()
        whole.protocol.round = partial.round
        whole.protocol.payload = partial.bytes
        return .complete(whole)
    }

    /// Drops site `index`'s payload under way (its session ended).
    mutating func discard(_ index: Int) {
        guard let partial = partials.removeValue(forKey: index) else { return }
        heldBytes -= partial.bytes.count
    }

    /// Sites with a payload under way.
    var sitesUnderWay: Int { partials.count }
}
