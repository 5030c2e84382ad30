import ArgumentParser
import Foundation
import Paillier

/// File handling shared by the `privagg paillier` subcommands (pheutil conventions:
/// `-` means standard input or output).
enum PaillierFiles {
    static func read(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PaillierCLIError("cannot read \(path): \(error.localizedDescription)")
        }
    }

    static func write(_ data: Data, to path: String?) throws {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(data)
            return
        }
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
        try Paillier.Pheutil.readEncryptedNumber(read(path), publicKey: key)
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
