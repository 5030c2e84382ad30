import Foundation
import GRPCCore
import Sodium
import SwiftProtobuf

/// What the round driver hears from the sites' sessions.
enum SiteEvent: Sendable {
    /// A message from site `index`'s current session.
    case message(index: Int, session: Int, Privagg_Federation_V1_SiteMessage)
    /// Site `index`'s session ended (closed, reset, refused a message at the transport).
    case closed(index: Int, session: Int, reason: String)
}

/// The coordinator's shared state between the gRPC handlers (one per site session) and the
/// round driver: which sites are connected, their outgoing queues, one mailbox of incoming
/// events, and the bytes each site sent and received.
///
/// It holds nothing of a site but the messages it sent: the coordinator's code only ever sees
/// protocol messages.
actor CoordinatorHub {
    /// One connected site.
    struct Link {
        var session: Int
        var outbox: AsyncStream<Privagg_Federation_V1_CoordinatorMessage>.Continuation
        var join: Privagg_Federation_V1_Join
        /// The session's SecAgg key binding as received (authenticated mode; checked by the
        /// round driver before the site's first secure round).
        var keyBinding: Data? = nil
        /// That binding's key once the round driver verified it: the binding is fixed for the
        /// session, so later rounds do not repeat the chain and signature checks.
        var verifiedKey: Ed25519.VerifyingKey? = nil
    }

    /// The expected sites, in order: a site's index is its id in every protocol.
    let sites: [String]
    private var links: [Int: Link] = [:]
    private var nextSession = 0
    private var buffer: [SiteEvent] = []
    private var bufferStart = 0
    private var waiter: (id: Int, continuation: CheckedContinuation<SiteEvent?, Never>)?
    private var waiterCount = 0
    /// gRPC message bytes (protobuf encoding plus the 5-byte length prefix) per site.
    private(set) var bytesUp: [Int]
    private(set) var bytesDown: [Int]
    /// The Welcome each admitted site gets (set before the server starts).
    private var welcome: (@Sendable (Int) -> Privagg_Federation_V1_CoordinatorMessage)?
    /// Called when the set of connected sites changes.
    private var joinWaiters: [CheckedContinuation<Void, Never>] = []
    /// Chunked protocol messages under way, one buffer per sending site.
    private var assembly: ChunkAssembly

    /// A hub for `sites`, assembling chunked protocol messages of at most
    /// `maximumMessageBytes` payload bytes.
    init(sites: [String], maximumMessageBytes: Int = FederationProtocol.defaultMaximumMessageBytes) {
        self.sites = sites
        assembly = ChunkAssembly(maximumPayloadBytes: maximumMessageBytes)
        bytesUp = Array(repeating: 0, count: sites.count)
        bytesDown = Array(repeating: 0, count: sites.count)
    }

    /// The byte counters now (per site index: up, down), to pass to ``bytes(since:)``.
    var byteCounts: (up: [Int], down: [Int]) { (bytesUp, bytesDown) }

    /// The bytes each site sent and received since `before` (from ``byteCounts``), by site
    /// name; a site that exchanged nothing is left out.
    func bytes(since before: (up: [Int], down: [Int])) -> (up: [String: Int], down: [String: Int]) {
        var up: [String: Int] = [:], down: [String: Int] = [:]
        for index in sites.indices where bytesUp[index] > before.up[index] || bytesDown[index] > before.down[index] {
            up[sites[index]] = bytesUp[index] - before.up[index]
            down[sites[index]] = bytesDown[index] - before.down[index]
        }
        return (up, down)
    }

    func setWelcome(_ make: @escaping @Sendable (Int) -> Privagg_Federation_V1_CoordinatorMessage) { welcome = make }

    /// Admits a site session: the site must be expected, not connected already, and of this
    /// protocol version. Returns its index, session number and outgoing queue.
    func admit(_ join: Privagg_Federation_V1_Join, site: String) throws -> (index: Int, session: Int, outbox: AsyncStream<Privagg_Federation_V1_CoordinatorMessage>) {
        try MessageChecks.protocolVersion(of: join, site: site)
        guard let index = sites.firstIndex(of: site) else { throw FederationError.siteRefused(site: site, reason: "not one of the expected sites") }
        guard links[index] == nil else { throw FederationError.siteRefused(site: site, reason: "already connected") }
        let (stream, continuation) = AsyncStream<Privagg_Federation_V1_CoordinatorMessage>.makeStream()
        nextSession += 1
        links[index] = Link(session: nextSession, outbox: continuation, join: join)
        if let welcome { send(welcome(index), to: index) }
        for waiter in joinWaiters { waiter.resume() }
        joinWaiters = []
        return (index, nextSession, stream)
    }

    /// Records a message from a session (ignored once the session is replaced or closed).
    /// The pieces of a chunked protocol message are assembled here: the round driver gets the
    /// whole message once its last piece arrives. A piece that does not fit the site's payload
    /// under way ends the session with the reason.
    func receive(_ message: Privagg_Federation_V1_SiteMessage, index: Int, session: Int, bytes: Int) {
        guard links[index]?.session == session else { return }
        bytesUp[index] += bytes + 5
        // Join is handled at admission; only what follows is for the round driver.
        if case .join = message.kind { return }
        // The key binding is kept with the session (it may arrive while the driver is in a
        // stage the site is not part of); one per session.
        if case .keyBinding(let binding) = message.kind {
            guard links[index]?.keyBinding == nil else {
                close(index: index, session: session, reason: "a second key binding in one session")
                return
            }
            links[index]?.keyBinding = binding.binding
            wakeJoinWaiters()
            return
        }
        do {
            switch try assembly.accept(message, index: index, session: session) {
            case .complete(let whole): post(.message(index: index, session: session, whole))
            case .incomplete: break
            }
        } catch {
            close(index: index, session: session, reason: "\(error)")
        }
    }

    /// Bytes held in chunked protocol messages under way now, and the most held at once.
    var assemblyBytes: (held: Int, peak: Int) { (assembly.heldBytes, assembly.peakHeldBytes) }

    /// Ends a session: the site is no longer connected.
    func close(index: Int, session: Int, reason: String) {
        guard let link = links[index], link.session == session else { return }
        link.outbox.finish()
        links[index] = nil
        assembly.discard(index)
        post(.closed(index: index, session: session, reason: reason))
        for waiter in joinWaiters { waiter.resume() }
        joinWaiters = []
    }

    /// Tells every connected site why the run stops, then ends every session.
    func abortAll(reason: String) {
        var message = Privagg_Federation_V1_CoordinatorMessage()
        message.abort.reason = reason
        for index in links.keys { send(message, to: index) }
        closeAll()
    }

    /// Ends every session (the run is over).
    func closeAll() {
        for (index, link) in links {
            link.outbox.finish()
            assembly.discard(index)
        }
        links = [:]
    }

    /// Queues `message` for site `index`; false if it is not connected.
    @discardableResult
    func send(_ message: Privagg_Federation_V1_CoordinatorMessage, to index: Int) -> Bool {
        guard let link = links[index] else { return false }
        bytesDown[index] += message.wireSize + 5
        link.outbox.yield(message)
        return true
    }

    /// The indices of the connected sites, ascending, with their sessions.
    var connected: [(index: Int, session: Int)] { links.keys.sorted().map { ($0, links[$0]!.session) } }

    /// The Join message of a connected site.
    func join(of index: Int) -> Privagg_Federation_V1_Join? { links[index]?.join }

    /// A connected site's current session, the key binding it sent in it (nil: none yet) and
    /// that binding's key if already verified; nil when the site is not connected.
    func keyBinding(of index: Int) -> (session: Int, binding: Data?, verifiedKey: Ed25519.VerifyingKey?)? {
        guard let link = links[index] else { return nil }
        return (link.session, link.keyBinding, link.verifiedKey)
    }

    /// Records that session `session`'s key binding verified to `key` (ignored once the
    /// session is replaced or closed).
    func setVerifiedKey(_ key: Ed25519.VerifyingKey, index: Int, session: Int) {
        guard links[index]?.session == session else { return }
        links[index]?.verifiedKey = key
    }

    /// Waits until each of `indices` that is still connected has sent its key binding, or
    /// `deadline` passes.
    func waitForKeyBindings(of indices: [Int], until deadline: ContinuousClock.Instant) async {
        await wait(until: deadline) { indices.contains { links[$0] != nil && links[$0]?.keyBinding == nil } }
    }

    /// Waits until every expected site is connected or `deadline` passes.
    func waitForAll(until deadline: ContinuousClock.Instant) async {
        await wait(until: deadline) { links.count < sites.count }
    }

    /// Waits while `pending` holds and `deadline` has not passed; re-checked whenever a site
    /// joins or sends its key binding (``wakeJoinWaiters()``) and at the deadline.
    private func wait(until deadline: ContinuousClock.Instant, while pending: () -> Bool) async {
        while pending(), ContinuousClock.now < deadline {
            await withCheckedContinuation { continuation in
                joinWaiters.append(continuation)
                let remaining = deadline - ContinuousClock.now
                Task {
                    do { try await Task.sleep(for: remaining) } catch { return }
                    self.wakeJoinWaiters()
                }
            }
        }
    }


    private func wakeJoinWaiters() {
        for waiter in joinWaiters { waiter.resume() }
        joinWaiters = []
    }

    // MARK: Mailbox

    private func post(_ event: SiteEvent) {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: event)
        } else {
            buffer.append(event)
        }
    }

    /// The next event, or nil when `deadline` passes first.
    func next(until deadline: ContinuousClock.Instant) async -> SiteEvent? {
        if bufferStart < buffer.count {
            let event = buffer[bufferStart]
            bufferStart += 1
            if bufferStart == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                bufferStart = 0
            }
            return event
        }
        guard ContinuousClock.now < deadline else { return nil }
        waiterCount += 1
        let id = waiterCount
        return await withCheckedContinuation { continuation in
            waiter = (id, continuation)
            let remaining = deadline - ContinuousClock.now
            Task {
                do { try await Task.sleep(for: remaining) } catch { return }
                self.expire(id)
            }
        }
    }

    private func expire(_ id: Int) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: nil)
    }
}

extension SwiftProtobuf.Message {
    /// The protobuf encoding's length (0 if it cannot be encoded, which a message built by
    /// this code never is).
    var wireSize: Int {
        do {
            let bytes: [UInt8] = try serializedBytes()
            return bytes.count
        } catch {
            return 0
        }
    }
}
