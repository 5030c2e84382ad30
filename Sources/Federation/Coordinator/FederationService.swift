import Foundation
import GRPCCore
import Logging

/// The gRPC service of the coordinator: one handler per site session. It admits the site,
/// then pumps the site's messages into the hub's mailbox and the hub's queue for the site
/// onto the wire. All decisions are the round driver's.
struct FederationService: Privagg_Federation_V1_Federation.SimpleServiceProtocol {
    let hub: CoordinatorHub
    let logger: Logger
    /// The site's name from its peer certificate when mutual TLS is on (nil: take the Join's
    /// name, which only `--insecure` runs do).
    let authenticatedSite: (@Sendable (ServerContext) -> String?)?

    func session(
        request: RPCAsyncSequence<Privagg_Federation_V1_SiteMessage, any Error>,
        response: RPCWriter<Privagg_Federation_V1_CoordinatorMessage>,
        context: ServerContext
    ) async throws {
        let reader = IteratorBox(request.makeAsyncIterator())
        guard let first = try await reader.next() else { return }
        guard case .join(let join) = first.kind else {
            logger.warning("refused a session that did not start with Join", metadata: ["peer": "\(context.remotePeer)"])
            throw RPCError(code: .failedPrecondition, message: "the first message must be Join")
        }
        var site = join.site
        if let authenticatedSite {
            guard let certified = authenticatedSite(context) else {
                throw RPCError(code: .unauthenticated, message: "no site identity in the peer certificate")
            }
            guard certified == join.site else {
                logger.warning("refused a site speaking for another", metadata: ["certificate": "\(certified)", "join": "\(join.site)"])
                throw RPCError(code: .permissionDenied, message: "the certificate names \(certified), the Join \(join.site)")
            }
            site = certified
        }
        let admitted: (index: Int, session: Int, outbox: AsyncStream<Privagg_Federation_V1_CoordinatorMessage>)
        do {
            admitted = try await hub.admit(join, site: site)
        } catch let error as FederationError {
            logger.warning("refused a site", metadata: ["site": "\(site)", "reason": "\(error)"])
            throw RPCError(code: .permissionDenied, message: error.description)
        }
        logger.info("site joined", metadata: ["site": "\(site)", "peer": "\(context.remotePeer)", "records": "\(join.trainingRecords)"])
        await hub.receive(first, index: admitted.index, session: admitted.session, bytes: first.wireSize)
        let hub = self.hub, logger = self.logger
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for await message in admitted.outbox { try await response.write(message) }
                } catch {
                    await hub.close(index: admitted.index, session: admitted.session, reason: "could not write to the site: \(error)")
                }
            }
            group.addTask {
                do {
                    while let message = try await reader.next() {
                        await hub.receive(message, index: admitted.index, session: admitted.session, bytes: message.wireSize)
                    }
                    await hub.close(index: admitted.index, session: admitted.session, reason: "the site closed its stream")
                } catch {
                    await hub.close(index: admitted.index, session: admitted.session, reason: "the site's stream failed: \(error)")
                }
            }
            // Whichever ends first (the site's stream, or the coordinator closing the session)
            // ends the other.
            await group.next()
            group.cancelAll()
        }
        logger.debug("session ended", metadata: ["site": "\(site)"])
    }
}

/// An async iterator used by one task at a time (the handler, then its reader child), so it
/// may cross the task boundary.
final class IteratorBox<Base: AsyncIteratorProtocol>: @unchecked Sendable {
    private var base: Base

    init(_ base: Base) { self.base = base }

    func next() async throws -> Base.Element? { try await base.next() }
}
