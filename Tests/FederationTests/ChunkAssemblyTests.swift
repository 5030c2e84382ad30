@testable import Federation
import Foundation
import Testing

/// Chunked protocol messages: the site's split, the coordinator's assembly, and the bytes the
/// coordinator holds while assembling (never more than the sites sending at once).
struct ChunkAssemblyTests {
    private static func protocolMessage(round: UInt64, bytes: Int, fill: UInt8) -> Privagg_Federation_V1_SiteMessage {
        var message = Privagg_Federation_V1_SiteMessage()
        message.protocol.round = round
        message.protocol.payload = Data((0..<bytes).map { UInt8(truncatingIfNeeded: $0) &+ fill })
        return message
    }

    private static func piece(round: UInt64, total: Int, bytes: Int) -> Privagg_Federation_V1_SiteMessage {
        var message = Privagg_Federation_V1_SiteMessage()
        message.protocol.round = round
        message.protocol.totalLength = UInt64(total)
        message.protocol.payload = Data(repeating: 7, count: bytes)
        return message
    }

    @Test("a long protocol payload is split into pieces of at most 32 KiB; others go whole")
    func splitting() throws {
        let chunk = FederationProtocol.maximumChunkBytes
        let long = Self.protocolMessage(round: 3, bytes: 3 * chunk + 100, fill: 1)
        let pieces = FederationProtocol.chunked(long)
        #expect(pieces.count == 4)
        #expect(pieces.map(\.protocol.payload.count) == [chunk, chunk, chunk, 100])
        #expect(pieces.allSatisfy { $0.protocol.round == 3 && $0.protocol.totalLength == UInt64(3 * chunk + 100) })
        #expect(Data(pieces.map(\.protocol.payload).joined()) == long.protocol.payload)

        let exact = Self.protocolMessage(round: 1, bytes: chunk, fill: 0)
        #expect(FederationProtocol.chunked(exact) == [exact])
        var contribution = Privagg_Federation_V1_SiteMessage()
        contribution.contribution.values = Data(count: 4 * chunk)
        #expect(FederationProtocol.chunked(contribution) == [contribution])
    }

    @Test("pieces reassemble to the site's message; a whole message passes through")
    func reassembly() throws {
        var assembly = ChunkAssembly(maximumPayloadBytes: 1 << 20)
        let message = Self.protocolMessage(round: 2, bytes: 100_000, fill: 9)
        let pieces = FederationProtocol.chunked(message)
        for piece in pieces.dropLast() {
            #expect(try assembly.accept(piece, index: 0, session: 1) == .incomplete)
        }
        #expect(assembly.heldBytes == 100_000 - pieces.last!.protocol.payload.count)
        #expect(try assembly.accept(pieces.last!, index: 0, session: 1) == .complete(message))
        #expect(assembly.heldBytes == 0)
        #expect(assembly.sitesUnderWay == 0)
        let small = Self.protocolMessage(round: 2, bytes: 10, fill: 0)
        #expect(try assembly.accept(small, index: 0, session: 1) == .complete(small))
    }

    /// The accounting behind the coordinator's memory bound: with sites released a window at a
    /// time (as the round driver paces masked inputs), the bytes held never exceed the window's
    /// payloads, and a finished payload is released at once (a coordinator that kept each
    /// site's masked input would end at n payloads, not zero).
    @Test("bytes held never exceed the sites sending at once, and drop to zero")
    func heldBytesStayWithinTheWindow() throws {
        let sites = 12, window = 3, payload = 70_000
        var assembly = ChunkAssembly(maximumPayloadBytes: 1 << 20)
        let messages = (0..<sites).map { Self.protocolMessage(round: 1, bytes: payload, fill: UInt8($0)) }
        var pending = messages.map { FederationProtocol.chunked($0)[...] }
        var sending = Array(0..<window), next = window, completed = 0
        // Round-robin over the sites in the window, one piece each, as interleaved streams arrive.
        while !sending.isEmpty {
            var finished: [Int] = []
            for site in sending {
                let piece = pending[site].popFirst()!
                let outcome = try assembly.accept(piece, index: site, session: site + 1)
                #expect(assembly.heldBytes <= window * payload)
                if pending[site].isEmpty {
                    #expect(outcome == .complete(messages[site]))
                    finished.append(site)
                    completed += 1
                } else {
                    #expect(outcome == .incomplete)
                }
            }
            sending.removeAll { finished.contains($0) }
            while sending.count < window, next < sites {
                sending.append(next)
                next += 1
            }
        }
        #expect(completed == sites)
        #expect(assembly.heldBytes == 0)
        #expect(assembly.peakHeldBytes > (window - 1) * payload)
        #expect(assembly.peakHeldBytes <= window * payload)
    }

    @Test("a piece that does not continue the payload under way is refused and the partial payload dropped")
    func refusals() throws {
        func refusal(_ body: (inout ChunkAssembly) throws -> Void) -> (FederationError?, held: Int) {
            var assembly = ChunkAssembly(maximumPayloadBytes: 100_000)
            do {
                try body(&assembly)
                return (nil, assembly.heldBytes)
            } catch let error as FederationError {
                return (error, assembly.heldBytes)
            } catch {
                return (nil, -1)
            }
        }
        // Another length, another round, another session, bytes beyond the length.
        for (second, session) in [
            (Self.piece(round: 1, total: 50_001, bytes: 10), 1), (Self.piece(round: 2, total: 50_000, bytes: 10), 1),
            (Self.piece(round: 1, total: 50_000, bytes: 10), 2), (Self.piece(round: 1, total: 50_000, bytes: 30_001), 1),
        ] {
            let (error, held) = refusal { assembly in
                #expect(try assembly.accept(Self.piece(round: 1, total: 50_000, bytes: 20_000), index: 4, session: 1) == .incomplete)
                _ = try assembly.accept(second, index: 4, session: session)
            }
            guard case .malformedMessage = error else { Issue.record("accepted \(second.protocol)"); continue }
            #expect(held == 0)
        }
        // Above the limit, an empty piece, a piece above 32 KiB.
        for bad in [Self.piece(round: 1, total: 100_001, bytes: 10), Self.piece(round: 1, total: 10, bytes: 0),
                    Self.piece(round: 1, total: 90_000, bytes: FederationProtocol.maximumChunkBytes + 1)] {
            let (error, held) = refusal { _ = try $0.accept(bad, index: 0, session: 1) }
            guard case .malformedMessage = error else { Issue.record("accepted \(bad.protocol)"); continue }
            #expect(held == 0)
        }
        // Another kind of message while a payload is under way.
        let (error, held) = refusal { assembly in
            _ = try assembly.accept(Self.piece(round: 1, total: 50_000, bytes: 20_000), index: 0, session: 1)
            var abort = Privagg_Federation_V1_SiteMessage()
            abort.abort.reason = "x"
            _ = try assembly.accept(abort, index: 0, session: 1)
        }
        #expect(error == .malformedMessage("Abort while a chunked protocol message was under way"))
        #expect(held == 0)
    }

    @Test("the hub hands the round driver whole messages and ends a session that sends a bad piece")
    func hubAssemblesAndClosesOnABadPiece() async throws {
        let hub = CoordinatorHub(sites: ["a", "b"], maximumMessageBytes: 1 << 20)
        var join = Privagg_Federation_V1_Join()
        join.protocolVersion = FederationProtocol.version
        let a = try await hub.admit(join, site: "a"), b = try await hub.admit(join, site: "b")
        let message = Self.protocolMessage(round: 1, bytes: 80_000, fill: 3)
        let pieces = FederationProtocol.chunked(message)
        for piece in pieces { await hub.receive(piece, index: a.index, session: a.session, bytes: piece.wireSize) }
        guard case .message(let index, _, let whole) = await hub.next(until: .now + .seconds(5)) else {
            Issue.record("no assembled message")
            return
        }
        #expect(index == a.index && whole == message)
        #expect(await hub.assemblyBytes.held == 0)
        // The whole payload, held for the instant between its last piece and the hand-over.
        #expect(await hub.assemblyBytes.peak == 80_000)

        await hub.receive(Self.piece(round: 1, total: 50_000, bytes: 20_000), index: b.index, session: b.session, bytes: 20_010)
        await hub.receive(Self.piece(round: 1, total: 60_000, bytes: 20_000), index: b.index, session: b.session, bytes: 20_010)
        guard case .closed(let closed, _, let reason) = await hub.next(until: .now + .seconds(5)) else {
            Issue.record("the session that sent a bad piece stayed open")
            return
        }
        #expect(closed == b.index)
        #expect(reason.contains("continuing a message of round 1 and length 50000"))
        #expect(await hub.assemblyBytes.held == 0)
        #expect(await hub.connected.map(\.index) == [a.index])
    }
}
