import ArgumentParser
import Bignum
import Sodium

/// `privagg demo`: until the FedAvg demo lands, a labelled self-check of the primitives.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the PrivAgg demo (currently: a self-check of the cryptographic primitives)."
    )

    func run() throws {
        print("PrivAgg \(PrivAggVersion.current): primitive self-check (libsodium \(Libsodium.version), GMP \(GMP.version))")
        let alice = X25519.PrivateKey(), bob = X25519.PrivateKey()
        let agreed = try alice.sharedSecret(with: bob.publicKey) == bob.sharedSecret(with: alice.publicKey)
        print("  X25519 key agreement ......................... \(agreed ? "ok" : "MISMATCH")")

        let key = try KDF.derive(from: alice.sharedSecret(with: bob.publicKey), domain: "PrivAgg.demo.aead")
        let message = Array("four hospitals, one model".utf8)
        let sealed = try AEAD.XChaCha20Poly1305.seal(message, key: key, associatedData: Array("round 1".utf8))
        let opened = try AEAD.XChaCha20Poly1305.open(sealed, key: key, associatedData: Array("round 1".utf8))
        print("  XChaCha20-Poly1305 round trip ................ \(opened == message ? "ok" : "MISMATCH")")

        let signer = Ed25519.SigningKey()
        let signed = signer.verifyingKey.isValidSignature(signer.signature(for: message), for: message)
        print("  Ed25519 sign and verify ...................... \(signed ? "ok" : "FAILED")")

        // Fermat: a^(p-1) ≡ 1 (mod p) for the Mersenne prime 2^521 − 1.
        let p = (BigInt(1) << 521) - 1
        let fermat = try BigInt(3).power(p - 1, modulo: p) == 1
        print("  GMP modular exponentiation (Fermat, 2^521−1) . \(fermat ? "ok" : "FAILED")")

        guard agreed, opened == message, signed, fermat else { throw ExitCode.failure }
        print("All primitives behave. The federated-learning demo arrives with the FedAvg module.")
    }
}
