import FedAvg
import FederationTLS
import Foundation
import Logging
import Testing

@testable import Federation

/// The coordinator's side of SecAgg's authenticated mode with a real hub and round driver (no
/// gRPC): sessions admitted as the service admits them, key bindings received as the service
/// hands them over, then ``RoundDriver/authenticate(_:session:context:)`` before a round.
@Suite struct CoordinatorKeyBindingTests {
    @Test("the coordinator keeps a site whose binding names its certificate's site, and drops (and disconnects) one that sent another site's binding or none")
    func coordinatorDropsBadBindings() async throws {
        let names = ["alpha", "beta", "gamma"]
        let pki = try KeyBindingChecksTests.TestPKI(sites: names)
        defer { pki.remove() }
        let session = try pki.coordinatorSession(KeyBindingChecksTests.session)
        let settings = try RunSettings(
            rounds: 1, aggregator: .secaggPlus, privacy: .none, localTraining: try LocalTraining(steps: 1, samplingRate: 0.1, learningRate: 0.5))
        let configuration = try FederationCoordinator.Configuration(
            sites: names, settings: settings, seed: 1, stageTimeout: .milliseconds(300))
        let hub = CoordinatorHub(sites: names)
        var sessions: [Int] = []
        for name in names {
            var join = Privagg_Federation_V1_Join()
            join.protocolVersion = FederationProtocol.version
            join.site = name
            join.trainingRecords = 10
            join.featureCount = 3
            sessions.append(try await hub.admit(join, site: name).session)
        }
        func send(_ binding: [UInt8], from index: Int) async {
            var message = Privagg_Federation_V1_SiteMessage()
            message.keyBinding.binding = Data(binding)
            await hub.receive(message, index: index, session: sessions[index], bytes: message.wireSize)
        }
        let (alphaKey, alpha) = try KeyBindingChecksTests.binding(try pki.site("alpha"))
        await send(alpha, from: 0)
        // beta's session (its certificate says beta) forwards alpha's binding: a key that is not beta's.
        await send(alpha, from: 1)
        // gamma sends nothing within the stage timeout.

        let driver = RoundDriver(configuration: configuration, hub: hub, logger: Logger(label: "test"))
        var context = RoundContext(members: [0, 1, 2])
        let passed = await driver.authenticate([0, 1, 2], session: session, context: &context)
        #expect(passed.map(\.index) == [0])
        #expect(passed.first?.key == alphaKey.verifyingKey && passed.first?.binding == Data(alpha))
        #expect(context.alive == [0])
        #expect(context.dropped[1]?.contains("key binding of site beta refused") == true, "\(context.dropped)")
        #expect(context.dropped[1]?.contains("the binding names site 'alpha'") == true, "\(context.dropped)")
        #expect(context.dropped[2]?.contains("no key binding within") == true, "\(context.dropped)")
        // Refused sessions are closed: they may reconnect with a valid binding for a later round.
        #expect(await hub.connected.map(\.index) == [0])

        // A second binding in one session closes it (a site cannot swap its key mid-session).
        await send(alpha, from: 0)
        #expect(await hub.connected.isEmpty)
    }
}

/// The graph and threshold of authenticated rounds (SecAgg+'s active-server rule).
@Suite struct ActiveServerParametersTests {
    @Test("authenticated rounds: a valid graph degree, and a threshold never below the unauthenticated round's and at most the degree + 1")
    func neverWeakerThanSemiHonest() throws {
        for aggregator in [FederationAggregator.secagg, .secaggPlus] {
            let reference = try SecureAggregator(
                variant: aggregator == .secagg ? .complete : .sparse(dropoutFraction: 0.05, corruptFraction: 0.05), bitWidth: 32)
            for n in [2, 3, 4, 5, 10, 50, 200, 1000] {
                let active = RoundDriver.activeServerParameters(aggregator: aggregator, clients: n)
                #expect(active.degree >= 1 && active.degree <= n - 1)
                #expect(active.threshold >= 2 && active.threshold <= active.degree + 1, "n = \(n): \(active)")
                #expect(active.threshold >= min(reference.threshold(clients: n), active.degree + 1), "n = \(n): \(active)")
                if aggregator == .secagg { #expect(active.degree == n - 1) }
            }
        }
        // Four sites (the heart-disease federation): the same complete graph and t = 3 as unauthenticated.
        #expect(RoundDriver.activeServerParameters(aggregator: .secaggPlus, clients: 4) == (3, 3))
    }
}
