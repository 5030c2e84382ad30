#!/usr/bin/env bash
# Release-mode time per sample of PoissonSampler.fill at the given rates, for the sampler as
# it stands at a git revision, so the linear sampler (before issue 17's sublinear one) and the
# current one are timed by the same harness:
#
#   scripts/poisson_sampler_timing.sh e7d090e 1024 16384 1048576   # the sum of Poisson(1) draws
#   scripts/poisson_sampler_timing.sh HEAD 1024 16384 1048576      # the O(√λ) envelope
#
# It compiles PoissonSampler.swift, RandomBits.swift and ReservoirSampler.swift from that
# revision with `swiftc -O -wmo` beside small stand-ins (the error type, gcd, no BulkRandom
# keystream) and a xoshiro256** generator (so the source's cost is the same for both; the
# package's ChaCha20 lives in Sodium, which this harness does not link). Each rate fills a
# vector 4× longer until one fill takes over 0.5 s and prints ns per sample.
set -euo pipefail
revision=${1:?usage: $0 REVISION RATE...}; shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for file in PoissonSampler RandomBits ReservoirSampler; do
    git show "$revision:Sources/DifferentialPrivacy/$file.swift" >"$work/$file.swift"
done
cat >"$work/Support.swift" <<'SWIFT'
public enum DifferentialPrivacyError: Error { case invalidParameter(name: String, reason: String) }
func greatestCommonDivisor(_ a: UInt64, _ b: UInt64) -> UInt64 { var a = a, b = b; while b != 0 { (a, b) = (b, a % b) }; return a }
@usableFromInline enum BulkRandom {
    @usableFromInline static func keystream<G: RandomNumberGenerator>(replacing rng: inout G, count: Int) -> Xoshiro? { nil }
}
/// xoshiro256** (timing only, not for noise).
public struct Xoshiro: RandomNumberGenerator {
    var s: (UInt64, UInt64, UInt64, UInt64)
    public init(seed: UInt64) {
        var z = seed
        func splitMix(_ z: inout UInt64) -> UInt64 {
            z &+= 0x9e3779b97f4a7c15
            var x = z
            x = (x ^ (x >> 30)) &* 0xbf58476d1ce4e5b9
            x = (x ^ (x >> 27)) &* 0x94d049bb133111eb
            return x ^ (x >> 31)
        }
        s = (splitMix(&z), splitMix(&z), splitMix(&z), splitMix(&z))
    }
    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3; s.2 ^= t; s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }
}
SWIFT
cat >"$work/Timing.swift" <<'SWIFT'
import Foundation
@main struct Timing {
    static func main() {
        for argument in CommandLine.arguments.dropFirst() {
            let sampler = try! PoissonSampler(rateNumerator: UInt64(argument)!)
            var rng = Xoshiro(seed: 7)
            var count = 16, elapsed = 0.0, total: Int64 = 0
            while true {
                var buffer = [Int64](repeating: 0, count: count)
                let start = DispatchTime.now().uptimeNanoseconds
                buffer.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                total = buffer.reduce(0, &+)
                if elapsed > 0.5 { break }
                count *= 4
            }
            print("λ=\(argument): \(String(format: "%.1f", elapsed / Double(count) * 1e9)) ns/sample over \(count) samples (sample mean \(Double(total) / Double(count)))")
        }
    }
}
SWIFT
swiftc -O -wmo -parse-as-library -o "$work/timing" "$work"/*.swift
"$work/timing" "$@"
