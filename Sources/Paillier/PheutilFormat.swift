import Bignum
import Foundation
import StrictInput

extension Paillier {
    /// python-paillier's `pheutil` file formats: JWK keys (kty "DAJ", alg "PAI-GN1",
    /// base64url integers) and ciphertexts `{"v": "<decimal>", "e": <exponent>}`, to which
    /// PrivAgg adds `"key_fingerprint"` (``PublicKey/fingerprint``; pheutil ignores it).
    /// Everything read is validated and reported as `PaillierError`; JSON with a duplicate
    /// key is refused (Foundation would read the first, Python the last).
    public enum Pheutil {
        struct PublicJWK: Codable {
            var kty: String
            var alg: String?
            var key_ops: [String]?
            var n: String
            var kid: String?
        }

        struct PrivateJWK: Codable {
            var kty: String
            var key_ops: [String]?
            var p: String
            var q: String
            var pub: PublicJWK
            var kid: String?
        }

        struct CiphertextJSON: Codable {
            var v: String
            var e: Int
            /// The key's ``PublicKey/fingerprint``; absent in files pheutil writes.
            var key_fingerprint: String?
        }

        /// Decodes `T` after the strict pre-check (one value, no duplicate keys, bounded depth).
        static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
            try StrictJSON.validate(data)
            return try JSONDecoder().decode(type, from: data)
        }

        /// The reason a decode failed, without Foundation's generic wording for our own checks.
        static func reason(_ error: any Error) -> String {
            if let strict = error as? StrictJSONError { return strict.description }
            return error.localizedDescription
        }

        /// Reads a public key (or the public half of a private key file).
        public static func readPublicKey(_ data: Data, allowInsecureForTests: Bool = false) throws(PaillierError) -> PublicKey {
            do { try StrictJSON.validate(data) } catch {
                throw .malformedFile("not a pheutil public key: \(error)")
            }
            if let privateJWK = try? JSONDecoder().decode(PrivateJWK.self, from: data) {
                return try publicKey(from: privateJWK.pub, allowInsecureForTests: allowInsecureForTests)
            }
            let jwk: PublicJWK
            do { jwk = try JSONDecoder().decode(PublicJWK.self, from: data) } catch {
                throw .malformedFile("not a pheutil public key: \(error.localizedDescription)")
            }
            return try publicKey(from: jwk, allowInsecureForTests: allowInsecureForTests)
        }

        static func publicKey(from jwk: PublicJWK, allowInsecureForTests: Bool) throws(PaillierError) -> PublicKey {
            guard jwk.kty == "DAJ" else { throw .malformedFile("kty must be \"DAJ\", got \"\(jwk.kty)\"") }
            guard jwk.alg == "PAI-GN1" else { throw .malformedFile("alg must be \"PAI-GN1\"") }
            return try PublicKey(n: try integer(jwk.n, field: "n"), allowInsecureForTests: allowInsecureForTests)
        }

        /// Reads a private key, checking that its primes match its public modulus.
        public static func readPrivateKey(_ data: Data, allowInsecureForTests: Bool = false) throws(PaillierError) -> PrivateKey {
            let jwk: PrivateJWK
            do { jwk = try decode(PrivateJWK.self, from: data) } catch {
                throw .malformedFile("not a pheutil private key: \(reason(error))")
            }
            guard jwk.kty == "DAJ" else { throw .malformedFile("kty must be \"DAJ\", got \"\(jwk.kty)\"") }
            if let operations = jwk.key_ops, !operations.contains("decrypt") {
                throw .malformedFile("key_ops does not include \"decrypt\"")
            }
            let publicKey = try publicKey(from: jwk.pub, allowInsecureForTests: allowInsecureForTests)
            let p = try integer(jwk.p, field: "p"), q = try integer(jwk.q, field: "q")
            // Before any primality test: a mismatched file is refused at the cost of one product.
            guard p * q == publicKey.n else { throw .invalidKey("p·q does not equal the public modulus n") }
            return try PrivateKey(p: p, q: q, allowInsecureForTests: allowInsecureForTests)
        }

        static func integer(_ text: String, field: String) throws(PaillierError) -> BigInt {
            do { return try BigInt(base64URL: text) } catch {
                throw .malformedFile("\"\(field)\" is not base64url: \(error)")
            }
        }

        /// The public key as pheutil writes it.
        public static func write(_ key: PublicKey, comment: String? = nil) throws(PaillierError) -> Data {
            try encode(publicJWK(key, comment: comment))
        }

        /// The private key (with its public half) as pheutil writes it.
        public static func write(_ key: PrivateKey, comment: String? = nil) throws(PaillierError) -> Data {
            do {
                let jwk = PrivateJWK(
                    kty: "DAJ", key_ops: ["decrypt"], p: try key.p.base64URLEncoded(), q: try key.q.base64URLEncoded(),
                    pub: try publicJWK(key.publicKey, comment: comment.map { "public half of " + $0 }),
                    kid: comment ?? "Paillier private key generated by privagg")
                return try encode(jwk)
            } catch {
                throw .malformedFile("cannot encode key: \(error)")
            }
        }

        static func publicJWK(_ key: PublicKey, comment: String?) throws(PaillierError) -> PublicJWK {
            do {
                return PublicJWK(kty: "DAJ", alg: "PAI-GN1", key_ops: ["encrypt"], n: try key.n.base64URLEncoded(),
                                 kid: comment ?? "Paillier public key generated by privagg")
            } catch {
                throw .malformedFile("cannot encode key: \(error)")
            }
        }

        static func encode<T: Encodable>(_ value: T) throws(PaillierError) -> Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            do { return try encoder.encode(value) + Data("\n".utf8) } catch {
                throw .malformedFile("cannot encode JSON: \(error)")
            }
        }

        /// Reads a ciphertext, validating `v ∈ [1, n²)` coprime to `n` and the exponent
        /// within ``EncodedNumber/exponentRange``.
        ///
        /// - Throws: ``PaillierError/differentKey(_:)`` when the file's `key_fingerprint`
        ///   is not `publicKey`'s; `exponentOutOfRange`, `malformedFile` or `invalidCiphertext`
        ///   otherwise. A file without a fingerprint (pheutil's) carries nothing that names its
        ///   key, so only the range checks apply to it.
        public static func readEncryptedNumber(_ data: Data, publicKey: PublicKey) throws(PaillierError) -> EncryptedNumber {
            let json: CiphertextJSON
            do { json = try decode(CiphertextJSON.self, from: data) } catch {
                throw .malformedFile("not a pheutil ciphertext {\"v\": \"<decimal>\", \"e\": <int>}: \(reason(error))")
            }
            if let fingerprint = json.key_fingerprint, fingerprint != publicKey.fingerprint {
                throw .differentKey("the file's key fingerprint is \(fingerprint), the key given is \(publicKey.fingerprint)")
            }
            guard let value = BigInt(json.v) else { throw .malformedFile("\"v\" is not a decimal integer") }
            try EncodedNumber.checkExponent(json.e)
            // A file's ciphertext is already public: writing it again unchanged links it to
            // nothing new, and both writers (pheutil's `ciphertext(be_secure=True)` and ours)
            // re-randomize before they write. Anything computed from it is a new, un-randomized value.
            return EncryptedNumber(
                ciphertext: try Ciphertext(validating: value, publicKey: publicKey), exponent: json.e, isRerandomized: true)
        }

        /// A ciphertext as pheutil writes it, plus its key's fingerprint; like pheutil,
        /// exponents above −32 are first lowered to −32 so the exponent leaks less about the
        /// value.
        ///
        /// - Throws: ``PaillierError/notRerandomized`` for a homomorphic result that was not
        ///   re-randomized (it would be linkable to its inputs);
        ///   ``PaillierError/exponentOutOfRange(_:)`` for an exponent the reader would
        ///   refuse: nothing is written that cannot be read back.
        public static func write(_ number: EncryptedNumber) throws(PaillierError) -> Data {
            guard number.isRerandomized else { throw .notRerandomized }
            let lowered = number.exponent > -32 ? try number.decreasingExponent(to: -32) : number
            try EncodedNumber.checkExponent(lowered.exponent)
            return try encode(CiphertextJSON(
                v: lowered.ciphertext.value.description, e: lowered.exponent, key_fingerprint: number.publicKey.fingerprint))
        }
    }
}
