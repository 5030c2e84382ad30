import Crypto
import Foundation
import StrictInput
import X509
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strict readers for the PEM files of a federation directory: bounded reads, exactly one
/// PEM block per file, P-256/P-384 keys only, and secret files that other users cannot read.
enum PEMFiles {
    /// A PEM certificate or key file is a few kilobytes; anything near this is not one.
    static let sizeLimit = 64 * 1024

    /// The single certificate in the PEM file at `path`.
    ///
    /// - Throws: ``FederationTLSError/missingFile(path:)``, ``FederationTLSError/fileSystem(path:operation:errno:)``
    ///   or ``FederationTLSError/malformedFile(path:reason:)``.
    static func certificate(at path: String) throws(FederationTLSError) -> Certificate {
        let bytes = try read(path)
        let text = String(decoding: bytes, as: UTF8.self)
        let blocks = text.components(separatedBy: "-----BEGIN ").count - 1
        guard blocks == 1, text.contains("-----BEGIN CERTIFICATE-----") else {
            throw .malformedFile(path: path, reason: "expected exactly one PEM CERTIFICATE block, found \(blocks) PEM blocks")
        }
        do {
            return try Certificate(pemEncoded: text)
        } catch {
            throw .malformedFile(path: path, reason: "not a valid X.509 certificate (\(error))")
        }
    }

    /// The bytes of the secret file at `path`, after checking (on the open descriptor, so no
    /// other file can be swapped in between) that it is a regular file that neither group
    /// nor others can read or write.
    ///
    /// - Throws: ``FederationTLSError/missingFile(path:)``, ``FederationTLSError/insecurePermissions(path:mode:required:)``
    ///   or ``FederationTLSError/fileSystem(path:operation:errno:)``.
    static func secretBytes(at path: String) throws(FederationTLSError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { throw .missingFile(path: path) }
            throw .fileSystem(path: path, operation: "open", errno: code)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .fileSystem(path: path, operation: "stat", errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .malformedFile(path: path, reason: "not a regular file")
        }
        let permissions = UInt32(info.st_mode & 0o7777)
        guard permissions & 0o077 == 0 else {
            throw .insecurePermissions(path: path, mode: permissions, required: "readable by its owner only (chmod 600)")
        }
        do {
            return try BoundedRead.contents(ofDescriptor: descriptor, name: path, limit: sizeLimit)
        } catch {
            throw readFailure(error, path: path)
        }
    }

    /// The private key in the PEM bytes read from `path` (PKCS#8 or SEC1), P-256 or P-384.
    ///
    /// - Throws: ``FederationTLSError/malformedFile(path:reason:)``.
    static func privateKey(_ bytes: [UInt8], path: String) throws(FederationTLSError) -> Certificate.PrivateKey {
        let text = String(decoding: bytes, as: UTF8.self)
        let blocks = text.components(separatedBy: "-----BEGIN ").count - 1
        guard blocks == 1 else {
            throw .malformedFile(path: path, reason: "expected exactly one PEM private key block, found \(blocks)")
        }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: text)
        } catch {
            throw .malformedFile(path: path, reason: "not a valid private key (\(error))")
        }
        guard FederationKeyAlgorithm(key.publicKey) != nil else {
            throw .malformedFile(path: path, reason: "federation keys are ECDSA P-256 or P-384")
        }
        return key
    }

    /// The bytes of the (public) file at `path`, at most ``sizeLimit``.
    static func read(_ path: String) throws(FederationTLSError) -> [UInt8] {
        do {
            return try BoundedRead.contents(ofFile: path, limit: sizeLimit)
        } catch {
            throw readFailure(error, path: path)
        }
    }

    private static func readFailure(_ error: BoundedReadError, path: String) -> FederationTLSError {
        switch error {
        case .system(_, _, let code) where code == ENOENT:
            return .missingFile(path: path)
        case .system(_, let operation, let code):
            return .fileSystem(path: path, operation: operation, errno: code)
        case .tooLarge(_, let limit):
            return .malformedFile(path: path, reason: "larger than \(limit) bytes, not a PEM certificate or key")
        }
    }
}

/// Best-effort erasure of secret bytes held in Swift arrays (PEM private keys) once they
/// have been handed on: the array's own buffer is overwritten in place.
enum Secret {
    /// Overwrites every byte of `bytes` with zero.
    static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            // memset_s is not on Linux; a volatile-free loop could be elided, memset through an
            // opaque pointer is not (the buffer escapes to C).
            _ = memset(base, 0, buffer.count)
        }
    }
}
