import ArgumentParser
import DifferentialPrivacy
import Foundation
import Sodium

/// `privagg noise`: releases a value N times through one of the exact noise mechanisms.
struct NoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noise",
        abstract: "Print N noisy releases of a value (exact samplers; Gaussians: scale = sigma, Laplaces: scale = b)."
    )

    /// The mechanisms the command offers.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case laplace, gaussian
        case discreteLaplace = "discrete-laplace"
        case discreteGaussian = "discrete-gaussian"
    }

    @Option(name: .long, help: "laplace | gaussian | discrete-laplace | discrete-gaussian")
    var mechanism: Kind

    @Option(name: .long, parsing: .unconditional, help: "Sigma for the Gaussians, b for the Laplaces (finite, > 0).")
    var scale: Double

    @Option(name: .long, parsing: .unconditional, help: "Number of releases, 1...100000000 (printed in chunks of 65536).")
    var count: Int

    @Option(name: .long, parsing: .unconditional, help: "Seed for a reproducible ChaCha20 stream (default: CSPRNG).")
    var seed: UInt64?

    @Option(name: .long, parsing: .unconditional, help: "The value to release (default 0; an integer for the discrete mechanisms).")
    var value: Double = 0

    func validate() throws {
        guard scale.isFinite, scale > 0 else { throw ValidationError("--scale must be finite and > 0, got \(scale)") }
        guard count >= 1, count <= 100_000_000 else { throw ValidationError("--count must be in 1...100000000, got \(count)") }
        guard value.isFinite else { throw ValidationError("--value must be finite") }
        if mechanism == .discreteLaplace || mechanism == .discreteGaussian {
            guard value.rounded() == value else {
                throw ValidationError("--value must be an integer for \(mechanism.rawValue), got \(value)")
            }
            // Below 2^53 every integer is exact as the Double it was parsed into, and the
            // noisy release stays far inside Int64.
            guard abs(value) < 9e15 else {
                throw ValidationError("--value \(formatInput(value)) is beyond the range of \(mechanism.rawValue) (|value| < 9e15, where every integer is exact)")
            }
        }
        // Build the mechanism here, so a scale it refuses or a value its grid cannot hold is
        // reported with this command's usage, before anything is printed.
        let limit: Double?
        do {
            switch mechanism {
            case .laplace: limit = try LaplaceMechanism(scale: scale).largestExactMagnitude
            case .gaussian: limit = try GaussianMechanism(sigma: scale).largestExactMagnitude
            case .discreteLaplace: _ = try DiscreteLaplaceMechanism(scale: scale); limit = nil
            case .discreteGaussian: _ = try DiscreteGaussianMechanism(sigma: scale); limit = nil
            }
        } catch {
            throw ValidationError(error.description)
        }
        if let limit, abs(value) > limit {
            throw ValidationError(
                "--value \(value) is beyond the \(mechanism.rawValue) grid at scale \(scale) (|value| <= \(limit)); rescale the data or raise --scale")
        }
    }

    func run() throws {
        if let seed {
            var rng = ChaChaRandom(seed: seed)
            try release(using: &rng)
        } else {
            var rng = SecureRandom()
            try release(using: &rng)
        }
    }

    private func release<G: RandomNumberGenerator>(using rng: inout G) throws {
        do {
            switch mechanism {
            case .laplace:
                try Self.printReleases(try LaplaceMechanism(scale: scale), value, count, &rng)
            case .gaussian:
                try Self.printReleases(try GaussianMechanism(sigma: scale), value, count, &rng)
            case .discreteLaplace:
                try Self.printReleases(try DiscreteLaplaceMechanism(scale: scale), Int64(value), count, &rng)
            case .discreteGaussian:
                try Self.printReleases(try DiscreteGaussianMechanism(sigma: scale), Int64(value), count, &rng)
            }
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Writes `count` releases of `value`, one per line, made and printed in chunks through
    /// the mechanism's in-place vector form (memory stays bounded for any count).
    private static func printReleases<M: AdditiveNoiseMechanism, G: RandomNumberGenerator>(
        _ mechanism: M, _ value: M.Value, _ count: Int, _ rng: inout G
    ) throws(DifferentialPrivacyError) where M.Value: LosslessStringConvertible {
        let chunk = 1 << 16
        var values = [M.Value](repeating: value, count: min(count, chunk))
        var remaining = count
        while remaining > 0 {
            let n = min(remaining, chunk)
            if n < values.count { values.removeLast(values.count - n) }
            for i in values.indices { values[i] = value }
            try mechanism.addNoise(to: &values, using: &rng)
            var text = ""
            text.reserveCapacity(n * 12)
            for v in values {
                text += v.description
                text += "\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
            remaining -= n
        }
    }
}
