import Bignum
import Foundation
import Paillier
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a Paillier payload was refused.
public enum PaillierWireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Shorter than its header or than the ciphertexts it announces, or longer.
    case wrongLength(expected: Int, got: Int)
    /// A format version this build does not read.
    case unsupportedVersion(UInt8)
    /// Another kind of payload than the stage expects.
    case unexpectedKind(expected: UInt8, got: UInt8)
    /// A header field out of range for the run (count, addends, ciphertext count or width).
    case outOfRange(String)
    /// A ciphertext that is not a valid residue for the public key.
    case invalidCiphertext(index: Int, reason: String)

    public var description: String {
        switch self {
        case .wrongLength(let expected, let got): return "paillier payload of \(got) bytes, expected \(expected)"
        case .unsupportedVersion(let version): return "paillier payload version \(version), this build reads \(PaillierWire.version)"
        case .unexpectedKind(let expected, let got): return "paillier payload of kind \(got), expected \(expected)"
        case .outOfRange(let detail): return "paillier payload: \(detail)"
        case .invalidCiphertext(let index, let reason): return "paillier ciphertext \(index): \(reason)"
        }
    }
}

/// The binary encoding of a packed Paillier vector (a site's encrypted contribution, or the
/// coordinator's encrypted sum), carried in ProtocolMessage payloads.
///
/// Layout (big-endian): version (1 byte, 1), kind (1 byte: 1 a site's vector, 2 the
/// encrypted sum), value count (UInt32), addends (UInt32), ciphertext count (UInt32),
/// ciphertext width w (UInt16, the bytes of n²), then the ciphertexts, w bytes each. The
/// decoder is strict: the length must be exact, every field must fit the run's packing scheme
/// (count, addends ≤ the scheme's maximum, ciphertexts = the scheme's plaintext count for
/// `count` values, w = the key's width), and every ciphertext must be a valid residue.
public enum PaillierWire {
    /// The format version.
    public static let version: UInt8 = 1
    /// A site's encrypted vector.
    public static let siteVector: UInt8 = 1
    /// The coordinator's encrypted sum.
    public static let encryptedSum: UInt8 = 2
    static let headerBytes = 1 + 1 + 4 + 4 + 4 + 2

    /// The bytes of n² for `key`: every ciphertext's fixed width.
    static func width(_ key: Paillier.PublicKey) -> Int { (key.nSquared.bitWidth + 7) / 8 }

    /// Encodes `vector` as a payload of `kind`.
    ///
    /// - Throws: ``PaillierWireError/outOfRange(_:)`` if a field does not fit its width.
    public static func encode(_ vector: Paillier.PackedCiphertext, kind: UInt8) throws -> [UInt8] {
        let width = width(vector.scheme.publicKey)
        guard vector.count <= Int(UInt32.max), vector.addends <= Int(UInt32.max), vector.ciphertexts.count <= Int(UInt32.max), width <= Int(UInt16.max) else {
            throw PaillierWireError.outOfRange("a field does not fit its width")
        }
        var bytes: [UInt8] = [version, kind]
        bytes.reserveCapacity(headerBytes + vector.ciphertexts.count * width)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) } }
        append(UInt32(vector.count))
        append(UInt32(vector.addends))
        append(UInt32(vector.ciphertexts.count))
        append(UInt16(width))
        for ciphertext in vector.ciphertexts {
            do { bytes.append(contentsOf: try ciphertext.value.bigEndianBytes(count: width)) } catch {
                throw PaillierWireError.outOfRange("a ciphertext does not fit \(width) bytes")
            }
        }
        return bytes
    }

    /// Decodes a payload of `kind` holding `count` values under `scheme`, with at most
    /// `maximumAddends` addends.
    ///
    /// - Throws: ``PaillierWireError`` for anything that does not fit.
    public static func decode(
        _ bytes: [UInt8], kind: UInt8, count: Int, scheme: Paillier.PackingScheme, maximumAddends: Int
    ) throws -> Paillier.PackedCiphertext {
        guard bytes.count >= headerBytes else { throw PaillierWireError.wrongLength(expected: headerBytes, got: bytes.count) }
        guard bytes[0] == version else { throw PaillierWireError.unsupportedVersion(bytes[0]) }
        guard bytes[1] == kind else { throw PaillierWireError.unexpectedKind(expected: kind, got: bytes[1]) }
        func read(_ offset: Int, _ length: Int) -> Int { bytes[offset..<offset + length].reduce(0) { $0 << 8 | Int($1) } }
        let announced = read(2, 4), addends = read(6, 4), ciphertextCount = read(10, 4), width = read(14, 2)
        guard announced == count else { throw PaillierWireError.outOfRange("\(announced) values, the run has \(count)") }
        guard (1...maximumAddends).contains(addends) else { throw PaillierWireError.outOfRange("\(addends) addends, at most \(maximumAddends)") }
        let expectedCiphertexts = scheme.plaintextCount(forValues: count)
        guard ciphertextCount == expectedCiphertexts else {
            throw PaillierWireError.outOfRange("\(ciphertextCount) ciphertexts, \(expectedCiphertexts) hold \(count) values")
        }
        let keyWidth = Self.width(scheme.publicKey)
        guard width == keyWidth else { throw PaillierWireError.outOfRange("ciphertexts of \(width) bytes, the key's are \(keyWidth)") }
        let expected = headerBytes + ciphertextCount * width
        guard bytes.count == expected else { throw PaillierWireError.wrongLength(expected: expected, got: bytes.count) }
        var ciphertexts: [Paillier.Ciphertext] = []
        ciphertexts.reserveCapacity(ciphertextCount)
        for index in 0..<ciphertextCount {
            let start = headerBytes + index * width
            do {
                ciphertexts.append(try Paillier.Ciphertext(validating: BigInt(bigEndianBytes: bytes[start..<start + width]), publicKey: scheme.publicKey))
            } catch {
                throw PaillierWireError.invalidCiphertext(index: index, reason: "\(error)")
            }
        }
        return Paillier.PackedCiphertext(scheme: scheme, ciphertexts: ciphertexts, count: count, addends: addends)
    }
}

/// Paillier key files of a federation (pheutil format, as `privagg paillier genkey` writes them).
public enum PaillierKeyFiles {
    /// Bits of one quantized value (as the in-process `PaillierAggregator`'s default).
    public static let valueBits = 32

    /// The sites' shared private key. The file must be mode 0600 (or stricter): it opens every
    /// site's contribution.
    ///
    /// - Throws: ``FederationError/invalidParameter(name:reason:)`` for a file readable by
    ///   others, unreadable, or not a valid pheutil private key (keys under 2048 bits need
    ///   `allowInsecureForTests`).
    public static func privateKey(at path: String, allowInsecureForTests: Bool) throws -> Paillier.PrivateKey {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw FederationError.invalidParameter(name: "paillier-key", reason: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw FederationError.invalidParameter(
                name: "paillier-key", reason: "\(path) has mode \(String(status.st_mode & 0o777, radix: 8)); a private key must be 0600 (chmod 600 \(path))")
        }
        do {
            return try Paillier.Pheutil.readPrivateKey(try read(path), allowInsecureForTests: allowInsecureForTests)
        } catch let error as PaillierError {
            throw FederationError.invalidParameter(name: "paillier-key", reason: "\(path): \(error)")
        }
    }

    /// The sites' public key (the coordinator's: it multiplies ciphertexts and never decrypts).
    ///
    /// - Throws: ``FederationError/invalidParameter(name:reason:)`` for an unreadable or invalid file.
    public static func publicKey(at path: String, allowInsecureForTests: Bool) throws -> Paillier.PublicKey {
        do {
            return try Paillier.Pheutil.readPublicKey(try read(path), allowInsecureForTests: allowInsecureForTests)
        } catch let error as PaillierError {
            throw FederationError.invalidParameter(name: "paillier-public-key", reason: "\(path): \(error)")
        }
    }

    private static func read(_ path: String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FederationError.invalidParameter(name: "paillier key", reason: "cannot open \(path)")
        }
        defer { try? handle.close() }
        // A 16384-bit private key file is about 12 KB; 1 MiB bounds a hostile file.
        let data = try handle.read(upToCount: 1 << 20 + 1) ?? Data()
        guard data.count <= 1 << 20 else { throw FederationError.invalidParameter(name: "paillier key", reason: "\(path) exceeds 1 MiB") }
        return data
    }
}
