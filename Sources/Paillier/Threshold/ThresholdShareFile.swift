import Bignum
import Foundation
import Sodium
import StrictInput

/// The JSON files of threshold Paillier (all UTF-8 JSON objects, integers as decimal strings,
/// byte strings as standard base64, every file with `"format"` and `"version": 1`):
///
/// - threshold public key (`privagg-threshold-paillier-public-key`): `threshold`, `parties`,
///   `public_key` (the Paillier public key in pheutil's JWK format), `verification_base` (v)
///   and `verification_keys` (v_1 … v_ℓ);
/// - key share (`privagg-threshold-paillier-key-share`): the same fields plus `party` and
///   `share`, which is either `{"mode": "x25519-sealed-box", "recipient", "ephemeral",
///   "sealed"}` (the share sealed to the party's X25519 key) or, for tests only,
///   `{"mode": "plain-insecure-for-tests", "value"}`;
/// - decryption share (`privagg-threshold-paillier-decryption-share`): `key_fingerprint`,
///   `party`, `ciphertext` (pheutil's `{"v", "e"}`), `value` (c_i), `challenge` (e) and
///   `response` (z);
/// - party X25519 keys (`privagg-x25519-private-key` with `private` and `public`,
///   `privagg-x25519-public-key` with `public`).
///
/// The sealed box: an ephemeral X25519 key pair, the shared secret with the recipient's
/// key, a 32-byte key from `KDF` (domain `PrivAgg.ThresholdPaillier.share-seal.v1`, bound
/// to both public keys and a digest of the file's header), then XChaCha20-Poly1305 with the
/// header digest as associated data. Editing any header field (party, threshold, keys) or
/// moving the sealed share into another file makes it fail to open. The plaintext is the
/// share s_i as fixed-width big-endian bytes (2·|n| bits). Reading is strict: the JSON
/// pre-check of `StrictInput` (no duplicate keys), every field checked, typed errors.
public enum ThresholdShareFile {
    /// The format names, one per kind of file.
    public static let publicKeyFormat = "privagg-threshold-paillier-public-key"
    public static let keyShareFormat = "privagg-threshold-paillier-key-share"
    public static let decryptionShareFormat = "privagg-threshold-paillier-decryption-share"
    public static let partyPrivateKeyFormat = "privagg-x25519-private-key"
    public static let partyPublicKeyFormat = "privagg-x25519-public-key"
    /// The only version written and read.
    public static let version = 1
    static let sealedMode = "x25519-sealed-box"
    static let plainMode = "plain-insecure-for-tests"
    static let sealDomain = "PrivAgg.ThresholdPaillier.share-seal.v1"

    struct Envelope: Decodable {
        var format: String?
        var version: Int?
    }

    struct SealedShareJSON: Codable {
        var mode: String
        var recipient: String?
        var ephemeral: String?
        var sealed: String?
        var value: String?
    }

    struct KeyJSON: Codable {
        var format: String
        var version: Int
        var party: Int?
        var threshold: Int
        var parties: Int
        var public_key: Paillier.Pheutil.PublicJWK
        var verification_base: String
        var verification_keys: [String]
        var share: SealedShareJSON?
    }

    struct DecryptionShareJSON: Codable {
        var format: String
        var version: Int
        var key_fingerprint: String
        var party: Int
        var ciphertext: Paillier.Pheutil.CiphertextJSON
        var value: String
        var challenge: String
        var response: String
    }

    struct PartyKeyJSON: Codable {
        var format: String
        var version: Int
        var `private`: String?
        var `public`: String
    }

    // MARK: - Threshold public key

    /// The threshold public key file.
    ///
    /// - Throws: `ThresholdPaillierError.malformedFile` if the key cannot be encoded.
    public static func write(_ key: Paillier.ThresholdPublicKey) throws(ThresholdPaillierError) -> Data {
        try encode(keyJSON(key, format: publicKeyFormat, party: nil, share: nil))
    }

    /// Reads a threshold public key from a public-key file or from the public part of a key-share file.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - allowInsecureForTests: accept moduli below 2048 bits.
    /// - Throws: `ThresholdPaillierError.malformedFile`, `.wrongFileFormat`, `.unsupportedVersion`,
    ///   `.invalidKey`, `.invalidParameter`, or `.paillier` for the embedded public key.
    public static func readPublicKey(_ data: Data, allowInsecureForTests: Bool = false) throws(ThresholdPaillierError) -> Paillier.ThresholdPublicKey {
        let json = try decode(KeyJSON.self, from: data, formats: [publicKeyFormat, keyShareFormat])
        return try publicKey(of: json, allowInsecureForTests: allowInsecureForTests)
    }

    // MARK: - Key shares

    /// A key share file with the share sealed to `recipient`, the party's X25519 public key.
    ///
    /// The share's bytes exist in the clear only inside this call and are wiped before it returns.
    /// - Throws: `ThresholdPaillierError.cryptography` if sealing fails (for a small-order
    ///   recipient key, `.cryptography(.weakPublicKey)`).
    public static func write(_ share: Paillier.KeyShare, sealedTo recipient: X25519.PublicKey) throws(ThresholdPaillierError) -> Data {
        let ephemeral = X25519.PrivateKey()
        let header = headerDigest(share.publicKey, party: share.party)
        let sealed: [UInt8]
        do {
            let key = try sealingKey(secret: ephemeral.sharedSecret(with: recipient), ephemeral: ephemeral.publicKey,
                                     recipient: recipient, header: header)
            sealed = try share.withSecretBytes { bytes throws(SodiumError) in
                try AEAD.XChaCha20Poly1305.seal(bytes, using: key, authenticating: header).combined
            }
        } catch let error as SodiumError {
            throw .cryptography(error)
        } catch {
            throw .malformedFile("cannot seal the share: \(error)")
        }
        let box = SealedShareJSON(
            mode: sealedMode, recipient: Data(recipient.rawRepresentation).base64EncodedString(),
            ephemeral: Data(ephemeral.publicKey.rawRepresentation).base64EncodedString(),
            sealed: Data(sealed).base64EncodedString(), value: nil)
        return try encode(keyJSON(share.publicKey, format: keyShareFormat, party: share.party, share: box))
    }

    /// A key share file with the share in the clear: for tests only.
    ///
    /// - Parameters:
    ///   - share: the key share.
    ///   - allowInsecureForTests: must be true.
    /// - Throws: `ThresholdPaillierError.unsealedShareRefused` without it.
    public static func writeUnsealed(_ share: Paillier.KeyShare, allowInsecureForTests: Bool) throws(ThresholdPaillierError) -> Data {
        guard allowInsecureForTests else { throw .unsealedShareRefused }
        let box = SealedShareJSON(mode: plainMode, recipient: nil, ephemeral: nil, sealed: nil, value: share.secret.description)
        return try encode(keyJSON(share.publicKey, format: keyShareFormat, party: share.party, share: box))
    }

    /// Reads a key share, opening it with the party's X25519 key, and checks it against its
    /// verification key.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - recipient: the party's X25519 private key (nil only for a plain test share).
    ///   - allowInsecureForTests: accept moduli below 2048 bits and plain shares.
    /// - Throws: `ThresholdPaillierError.malformedFile`, `.wrongFileFormat`,
    ///   `.unsupportedVersion`, `.wrongRecipient`, `.sealedShareDoesNotOpen`,
    ///   `.unsealedShareRefused`, `.invalidKeyShare`, `.unknownParty`, `.invalidKey`.
    public static func readKeyShare(
        _ data: Data, recipient: X25519.PrivateKey?, allowInsecureForTests: Bool = false
    ) throws(ThresholdPaillierError) -> Paillier.KeyShare {
        let json = try decode(KeyJSON.self, from: data, formats: [keyShareFormat])
        // Refused before anything else: a plain share is never read outside tests.
        if json.share?.mode == plainMode, !allowInsecureForTests { throw .unsealedShareRefused }
        let publicKey = try publicKey(of: json, allowInsecureForTests: allowInsecureForTests)
        guard let party = json.party else { throw .malformedFile("\"party\" is missing") }
        guard (1...publicKey.parties).contains(party) else { throw .unknownParty(party) }
        guard let box = json.share else { throw .malformedFile("\"share\" is missing") }
        switch box.mode {
        case plainMode:
            guard allowInsecureForTests else { throw .unsealedShareRefused }
            guard let text = box.value, let secret = BigInt(text) else {
                throw .malformedFile("\"share.value\" is not a decimal integer")
            }
            return try Paillier.KeyShare(party: party, secret: secret, publicKey: publicKey)
        case sealedMode:
            guard let recipient else { throw .wrongRecipient }
            let recipientBytes = try bytes(box.recipient, field: "share.recipient", count: X25519.byteCount)
            let ephemeralBytes = try bytes(box.ephemeral, field: "share.ephemeral", count: X25519.byteCount)
            let sealed = try bytes(box.sealed, field: "share.sealed", count: nil)
            guard recipientBytes == recipient.publicKey.rawRepresentation else { throw .wrongRecipient }
            let header = headerDigest(publicKey, party: party)
            var opened: [UInt8]
            do {
                let ephemeral = try X25519.PublicKey(rawRepresentation: ephemeralBytes)
                let key = try sealingKey(secret: recipient.sharedSecret(with: ephemeral), ephemeral: ephemeral,
                                         recipient: recipient.publicKey, header: header)
                opened = try AEAD.XChaCha20Poly1305.open(.init(combined: sealed), using: key, authenticating: header)
            } catch {
                throw .sealedShareDoesNotOpen
            }
            defer { SecureMemory.wipe(&opened) }
            guard opened.count == (publicKey.shareBits + 7) / 8 else {
                throw .invalidKeyShare(party: party, reason: "the opened share has \(opened.count) bytes")
            }
            return try Paillier.KeyShare(party: party, secret: BigInt(bigEndianBytes: opened), publicKey: publicKey)
        default:
            throw .malformedFile("unknown share mode \"\(box.mode)\"")
        }
    }

    // MARK: - Decryption shares

    /// A decryption share file; `exponent` is the encrypted number's base-16 exponent, kept
    /// so that the combiner can decode the plaintext.
    ///
    /// - Throws: `ThresholdPaillierError.malformedFile` if it cannot be encoded.
    public static func write(
        _ share: Paillier.DecryptionShare, exponent: Int, publicKey: Paillier.ThresholdPublicKey
    ) throws(ThresholdPaillierError) -> Data {
        try encode(DecryptionShareJSON(
            format: decryptionShareFormat, version: version, key_fingerprint: publicKey.publicKey.fingerprint,
            party: share.party, ciphertext: .init(v: share.ciphertext.description, e: exponent, key_fingerprint: nil),
            value: share.value.description, challenge: share.challenge.description, response: share.response.description))
    }

    /// Reads a decryption share for `publicKey` (ranges checked; the proof is checked when combining).
    ///
    /// - Returns: the share and the encrypted number's exponent.
    /// - Throws: `ThresholdPaillierError.malformedFile`, `.wrongFileFormat`, `.unsupportedVersion`,
    ///   `.paillier(.differentKey)` for a share under another key, `.paillier(.exponentOutOfRange)`,
    ///   `.unknownParty` or `.malformedShare`.
    public static func readDecryptionShare(
        _ data: Data, publicKey: Paillier.ThresholdPublicKey
    ) throws(ThresholdPaillierError) -> (share: Paillier.DecryptionShare, exponent: Int) {
        let json = try decode(DecryptionShareJSON.self, from: data, formats: [decryptionShareFormat])
        guard json.key_fingerprint == publicKey.publicKey.fingerprint else {
            throw .paillier(.differentKey("the share's key fingerprint is \(json.key_fingerprint), the key given is \(publicKey.publicKey.fingerprint)"))
        }
        do {
            try Paillier.EncodedNumber.checkExponent(json.ciphertext.e)
        } catch {
            throw .paillier(error)
        }
        let share = try Paillier.DecryptionShare(
            party: json.party, ciphertext: try integer(json.ciphertext.v, field: "ciphertext.v"),
            value: try integer(json.value, field: "value"), challenge: try integer(json.challenge, field: "challenge"),
            response: try integer(json.response, field: "response"), publicKey: publicKey)
        return (share, json.ciphertext.e)
    }

    // MARK: - Party X25519 keys

    /// A party's X25519 key pair file (secret: write it 0600).
    public static func write(partyKey key: X25519.PrivateKey) throws(ThresholdPaillierError) -> Data {
        var secret = key.rawRepresentation.unprotectedCopy
        defer { SecureMemory.wipe(&secret) }
        return try encode(PartyKeyJSON(
            format: partyPrivateKeyFormat, version: version, private: Data(secret).base64EncodedString(),
            public: Data(key.publicKey.rawRepresentation).base64EncodedString()))
    }

    /// A party's X25519 public key file (what it sends to the dealer).
    public static func write(partyPublicKey key: X25519.PublicKey) throws(ThresholdPaillierError) -> Data {
        try encode(PartyKeyJSON(format: partyPublicKeyFormat, version: version, private: nil,
                                public: Data(key.rawRepresentation).base64EncodedString()))
    }

    /// Reads a party's X25519 key pair, checking that the public half matches the secret.
    ///
    /// - Throws: `ThresholdPaillierError.malformedFile`, `.wrongFileFormat`, `.unsupportedVersion`.
    public static func readPartyKey(_ data: Data) throws(ThresholdPaillierError) -> X25519.PrivateKey {
        let json = try decode(PartyKeyJSON.self, from: data, formats: [partyPrivateKeyFormat])
        var secret = try bytes(json.private, field: "private", count: X25519.byteCount)
        defer { SecureMemory.wipe(&secret) }
        let publicBytes = try bytes(json.public, field: "public", count: X25519.byteCount)
        // 32 bytes (checked) always make a key.
        let key = try! X25519.PrivateKey(rawRepresentation: secret)
        guard key.publicKey.rawRepresentation == publicBytes else {
            throw .malformedFile("\"public\" does not match \"private\"")
        }
        return key
    }

    /// Reads a party's X25519 public key (from a public-key or a key-pair file), refusing
    /// small-order points.
    ///
    /// - Throws: `ThresholdPaillierError.malformedFile`, `.wrongFileFormat`, `.unsupportedVersion`.
    public static func readPartyPublicKey(_ data: Data) throws(ThresholdPaillierError) -> X25519.PublicKey {
        let json = try decode(PartyKeyJSON.self, from: data, formats: [partyPublicKeyFormat, partyPrivateKeyFormat])
        let key = try! X25519.PublicKey(rawRepresentation: try bytes(json.public, field: "public", count: X25519.byteCount))
        guard !key.hasSmallOrder else { throw .malformedFile("\"public\" is a small-order X25519 point") }
        return key
    }

    // MARK: - Helpers

    static func keyJSON(
        _ key: Paillier.ThresholdPublicKey, format: String, party: Int?, share: SealedShareJSON?
    ) throws(ThresholdPaillierError) -> KeyJSON {
        let jwk: Paillier.Pheutil.PublicJWK
        do {
            jwk = try Paillier.Pheutil.publicJWK(key.publicKey, comment: "threshold Paillier public key generated by privagg")
        } catch {
            throw .paillier(error)
        }
        return KeyJSON(format: format, version: version, party: party, threshold: key.threshold, parties: key.parties,
                       public_key: jwk, verification_base: key.verificationBase.description,
                       verification_keys: key.verificationKeys.map(\.description), share: share)
    }

    static func publicKey(of json: KeyJSON, allowInsecureForTests: Bool) throws(ThresholdPaillierError) -> Paillier.ThresholdPublicKey {
        let paillierKey: Paillier.PublicKey
        do {
            paillierKey = try Paillier.Pheutil.publicKey(from: json.public_key, allowInsecureForTests: allowInsecureForTests)
        } catch {
            throw .paillier(error)
        }
        guard json.verification_keys.count == json.parties else {
            throw .invalidKey("\(json.verification_keys.count) verification keys for \(json.parties) parties")
        }
        var keys: [BigInt] = []
        for (index, text) in json.verification_keys.enumerated() {
            keys.append(try integer(text, field: "verification_keys[\(index)]"))
        }
        return try Paillier.ThresholdPublicKey(
            publicKey: paillierKey, threshold: json.threshold, parties: json.parties,
            verificationBase: try integer(json.verification_base, field: "verification_base"), verificationKeys: keys)
    }

    /// A digest of everything public a key share is bound to.
    static func headerDigest(_ key: Paillier.ThresholdPublicKey, party: Int) -> [UInt8] {
        var message = Array(sealDomain.utf8) + [0]
        func append(_ value: BigInt) {
            let bytes = try! value.bigEndianBytes()  // non-negative values only
            let count = UInt32(bytes.count)
            message += [UInt8(truncatingIfNeeded: count >> 24), UInt8(truncatingIfNeeded: count >> 16),
                        UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
            message += bytes
        }
        append(BigInt(version))
        append(BigInt(party))
        append(BigInt(key.threshold))
        append(BigInt(key.parties))
        append(key.publicKey.n)
        append(key.verificationBase)
        key.verificationKeys.forEach(append)
        return BLAKE2b.hash(message, length: 32)
    }

    static func sealingKey(
        secret: X25519.SharedSecret, ephemeral: X25519.PublicKey, recipient: X25519.PublicKey, header: [UInt8]
    ) throws(SodiumError) -> SymmetricKey {
        try KDF.deriveKey(from: secret, domain: sealDomain,
                          info: ephemeral.rawRepresentation + recipient.rawRepresentation + header)
    }

    static func bytes(_ text: String?, field: String, count: Int?) throws(ThresholdPaillierError) -> [UInt8] {
        guard let text else { throw .malformedFile("\"\(field)\" is missing") }
        guard let data = Data(base64Encoded: text) else { throw .malformedFile("\"\(field)\" is not base64") }
        if let count, data.count != count {
            throw .malformedFile("\"\(field)\" must be \(count) bytes, got \(data.count)")
        }
        return Array(data)
    }

    static func integer(_ text: String, field: String) throws(ThresholdPaillierError) -> BigInt {
        guard let value = BigInt(text), !value.isNegative else {
            throw .malformedFile("\"\(field)\" is not a non-negative decimal integer")
        }
        return value
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data, formats: [String]) throws(ThresholdPaillierError) -> T {
        let envelope: Envelope
        do {
            try StrictJSON.validate(data)
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch {
            throw .malformedFile(Paillier.Pheutil.reason(error))
        }
        guard let format = envelope.format else { throw .malformedFile("\"format\" is missing") }
        guard formats.contains(format) else { throw .wrongFileFormat(expected: formats[0], found: format) }
        guard let fileVersion = envelope.version else { throw .malformedFile("\"version\" is missing") }
        guard fileVersion == version else { throw .unsupportedVersion(fileVersion) }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .malformedFile(Paillier.Pheutil.reason(error))
        }
    }

    static func encode<T: Encodable>(_ value: T) throws(ThresholdPaillierError) -> Data {
        do {
            return try Paillier.Pheutil.encode(value)
        } catch {
            throw .malformedFile("cannot encode JSON: \(error)")
        }
    }
}
