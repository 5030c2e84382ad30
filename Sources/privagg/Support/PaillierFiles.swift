import ArgumentParser
import Foundation
import Paillier
import StrictInput

/// File handling shared by the `privagg paillier` subcommands (pheutil conventions:
/// `-` means standard input or output).
enum PaillierFiles {
    /// Reads a key or ciphertext file (`-`: standard input), at most 1 MiB
    /// (``BoundedRead/smallFileLimit``; a 16384-bit private key file is about 12 KB).
    static func read(_ path: String) throws -> Data {
        do { return try InputFiles.read(path) } catch let error as FileAccessError {
            throw PaillierCLIError(error.description)
        }
    }

    static func write(_ data: Data, to path: String?) throws {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(data)
            return
        }
        do { try refuseLedgerTarget(path) } catch let error as FileAccessError { throw PaillierCLIError(error.description) }
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw PaillierCLIError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    static func publicKey(_ path: String, insecure: Bool) throws -> Paillier.PublicKey {
        try Paillier.Pheutil.readPublicKey(read(path), allowInsecureForTests: insecure)
    }

    static func privateKey(_ path: String, insecure: Bool) throws -> Paillier.PrivateKey {
        try Paillier.Pheutil.readPrivateKey(read(path), allowInsecureForTests: insecure)
    }

    static func encryptedNumber(_ path: String, key: Paillier.PublicKey) throws -> Paillier.EncryptedNumber {
        do { return try Paillier.Pheutil.readEncryptedNumber(read(path), publicKey: key) } catch PaillierError.differentKey(let detail) {
            // Name the file: with two ciphertexts (addenc), the user needs to know which one.
            throw PaillierError.differentKey("\(path): \(detail)")
        }
    }

    /// Runs `body`, turning library and file errors into a message on stderr and exit status 1.
    static func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as PaillierError {
            printError("error: \(error)")
            throw ExitCode.failure
        } catch let error as PaillierCLIError {
            printError("error: \(error.message)")
            throw ExitCode.failure
        } catch let error as FileAccessError {
            printError("error: \(error.description)")
            throw ExitCode.failure
        }
    }
}

/// A file-level failure in a `privagg paillier` subcommand.
struct PaillierCLIError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Options every `privagg paillier` subcommand shares.
struct PaillierKeyOptions: ParsableArguments {
    @Flag(name: .customLong("insecure-for-tests"), help: "Accept keys below 2048 bits (breakable; tests only).")
    var insecureForTests = false
}
