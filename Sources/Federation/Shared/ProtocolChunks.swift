import Foundation

extension FederationProtocol {
    /// The most payload bytes one ProtocolMessage from a site carries (32 KiB). A longer
    /// payload (a masked input: 600 KB at 10^5 48-bit entries) travels as consecutive pieces,
    /// because the gRPC transport keeps each stream's last receive buffer until the stream's
    /// next message: with whole masked inputs that is a buffer of the input's size (rounded up
    /// to a power of two) per site for the rest of the stage, n·d bytes in all.
    public static let maximumChunkBytes = 32 << 10

    /// `message` as the site sends it: a ProtocolMessage whose payload exceeds
    /// ``maximumChunkBytes`` becomes consecutive ProtocolMessages of the same round, each with
    /// the next piece and the whole payload's length (`totalLength`); any other message is
    /// returned as it is.
    ///
    /// - Parameter message: a message of the site.
    /// - Returns: the messages to send, in order.
    public static func chunked(_ message: Privagg_Federation_V1_SiteMessage) -> [Privagg_Federation_V1_SiteMessage] {
        guard case .protocol(let whole) = message.kind, whole.payload.count > maximumChunkBytes else { return [message] }
        var pieces: [Privagg_Federation_V1_SiteMessage] = []
        pieces.reserveCapacity((whole.payload.count + maximumChunkBytes - 1) / maximumChunkBytes)
        var start = whole.payload.startIndex
        while start < whole.payload.endIndex {
            let end = whole.payload.index(start, offsetBy: maximumChunkBytes, limitedBy: whole.payload.endIndex) ?? whole.payload.endIndex
            var piece = Privagg_Federation_V1_SiteMessage()
            piece.protocol.round = whole.round
            piece.protocol.totalLength = UInt64(whole.payload.count)
            piece.protocol.payload = Data(whole.payload[start..<end])
            pieces.append(piece)
            start = end
        }
        return pieces
    }
}
