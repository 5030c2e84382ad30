import FedAvg
import Federation
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A coordinator process facing raw garbage, refused sessions, and a site (this test, over
/// gRPC) that sends a truncated and then an oversized message: it logs, drops the site from
/// the round, and completes the run with the honest sites.
@Suite(.serialized)
struct MisbehavingSiteTests {
    @Test("garbage, truncated and oversized messages do not crash the coordinator")
    func garbageDoesNotCrashTheCoordinator() async throws {
        let harness = try ProcessHarness("garbage")
        let honest = ["cleveland", "hungarian", "switzerland"]
        let (coordinator, port) = try await harness.coordinator(
            ["--sites", (honest + ["rogue"]).joined(separator: ","), "--rounds", "2", "--aggregator", "plain", "--privacy", "none",
             "--seed", "2", "--max-message-bytes", "8192", "--stage-timeout", "30"])

        // Bytes that are not HTTP/2 at all.
        try sendRawGarbage(port: port)

        let transport = try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        try await withGRPCClient(transport: transport) { grpc in
            let federation = Privagg_Federation_V1_Federation.Client(wrapping: grpc)
            // A session that does not start with Join, and a Join for a site nobody expects.
            var evaluation = Privagg_Federation_V1_SiteMessage()
            evaluation.evaluation.round = 1
            let notJoin = try await refusal(federation, first: evaluation)
            #expect(notJoin == .failedPrecondition)
            let stranger = try await refusal(federation, first: join("mallory"))
            #expect(stranger == .permissionDenied)

            let sites = try honest.map { try harness.site($0, port: port, extra: ["--seed", "2"]) }
            try await rogueSession(federation)
            for (index, site) in sites.enumerated() {
                #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(honest[index]).log"))")
            }
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        let report = try harness.report()
        let round1 = try #require(report.records.first { $0.round == 1 })
        #expect(round1.included == honest && !round1.abandoned)
        #expect(round1.dropouts["rogue"]?.contains("not a whole number of doubles") == true, "\(round1.dropouts)")
        let round2 = try #require(report.records.first { $0.round == 2 })
        #expect(round2.included == honest && !round2.abandoned)
        #expect(round2.dropouts["rogue"]?.contains("disconnected") == true, "\(round2.dropouts)")
    }

    private func join(_ site: String) -> Privagg_Federation_V1_SiteMessage {
        var message = Privagg_Federation_V1_SiteMessage()
        message.join.protocolVersion = FederationProtocol.version
        message.join.site = site
        message.join.trainingRecords = 100
        message.join.featureCount = UInt32(HeartDisease.featureNames.count)
        return message
    }

    /// Opens a session with `first` and returns the status code it is refused with.
    private func refusal(
        _ federation: Privagg_Federation_V1_Federation.Client<HTTP2ClientTransport.Posix>, first: Privagg_Federation_V1_SiteMessage
    ) async throws -> RPCError.Code? {
        let request = StreamingClientRequest<Privagg_Federation_V1_SiteMessage> { writer in try await writer.write(first) }
        do {
            try await federation.session(request: request) { response in
                for try await _ in response.messages {}
            }
            return nil
        } catch let error as RPCError {
            return error.code
        }
    }

    /// The rogue site: valid statistics, then a truncated contribution in round 1 (7 bytes), then
    /// a contribution far over the coordinator's message limit in round 2.
    private func rogueSession(_ federation: Privagg_Federation_V1_Federation.Client<HTTP2ClientTransport.Posix>) async throws {
        let (outgoing, outbox) = AsyncStream<Privagg_Federation_V1_SiteMessage>.makeStream()
        outbox.yield(join("rogue"))
        let request = StreamingClientRequest<Privagg_Federation_V1_SiteMessage> { writer in
            for await message in outgoing { try await writer.write(message) }
        }
        let features = HeartDisease.featureNames.count
        do {
            try await federation.session(request: request) { response in
                for try await message in response.messages {
                    switch message.kind {
                    case .statisticsRequest:
                        var reply = Privagg_Federation_V1_SiteMessage()
                        reply.contribution.round = 0
                        reply.contribution.values = FederationProtocol.pack([Double](repeating: 0, count: 3 * features))
                        outbox.yield(reply)
                    case .roundStart(let start) where start.round == 1:
                        var reply = Privagg_Federation_V1_SiteMessage()
                        reply.contribution.round = 1
                        reply.contribution.values = Data([1, 2, 3, 4, 5, 6, 7])
                        outbox.yield(reply)
                    case .roundStart:
                        var reply = Privagg_Federation_V1_SiteMessage()
                        reply.contribution.round = 2
                        reply.contribution.values = Data(count: 64 << 10)
                        outbox.yield(reply)
                    case .roundResult(let result):
                        var reply = Privagg_Federation_V1_SiteMessage()
                        reply.evaluation.round = result.round
                        reply.evaluation.correct = 0
                        reply.evaluation.count = 1
                        outbox.yield(reply)
                    default: break
                    }
                }
            }
        } catch let error as RPCError {
            // The coordinator's transport ends the stream over the oversized message.
            #expect(error.code == .resourceExhausted || error.code == .internalError || error.code == .unavailable, "\(error)")
        }
        outbox.finish()
    }

    private func sendRawGarbage(port: Int) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        let garbage = [UInt8](repeating: 0xA5, count: 4096)
        let written = garbage.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        #expect(written > 0)
    }
}
