import FederationTLS
import Foundation
import FuzzHarness

/// SecAgg key bindings (FederationTLS's `SecAggKeyBinding`) as a coordinator receives them
/// from a site. Oracles: parsing succeeds or throws `keyBindingInvalid`; what parses
/// serializes to exactly the input; verifying it against a certificate authority created by
/// this process (which has signed nothing an input can hold) always throws
/// `keyBindingInvalid` naming the expected site: no binding is ever accepted whose
/// certificate the authority did not issue.
enum KeyBindingTarget {
    /// A fresh authority: no certificate in any input can chain to it.
    static let authority: FederationAuthority = {
        do { return try FederationAuthority(validity: CertificateValidity(days: 1)) } catch {
            fatalError("cannot create a certificate authority: \(error)")
        }
    }()

    static func run(_ bytes: [UInt8]) {
        let binding: SecAggKeyBinding
        do {
            binding = try SecAggKeyBinding(serialized: bytes)
        } catch {
            guard case .keyBindingInvalid = error else { violated("parsing threw \(error)") }
            return
        }
        guard binding.serialized() == bytes else { violated("a parsed binding does not serialize to its bytes") }
        let expected = binding.site
        let result = blocking { () async -> Result<[UInt8], FederationTLSError> in
            do throws(FederationTLSError) {
                return .success(try await binding.verify(authority: authority.certificate, expectedSite: expected, expectedContext: binding.context))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success: violated("a binding verified against an authority that signed nothing")
        case .failure(.keyBindingInvalid(let site, _)) where site == expected.value: return
        case .failure(let error): violated("verifying threw \(error)")
        }
    }
}

/// Runs `body` on the cooperative pool and waits for it on this (libFuzzer's, non-pool) thread.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = BlockingBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

/// The result slot of ``blocking(_:)``: written by the task before it signals, read after.
final class BlockingBox<T>: @unchecked Sendable {
    var value: T?
}
