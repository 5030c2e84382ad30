import Foundation

/// A real-input fast Fourier transform of a power-of-two length, written here (no FFTW,
/// which is GPL, and no platform framework, so it behaves the same on Linux and macOS).
///
/// A real sequence of length N = 2n is packed as n complex numbers (even samples real, odd
/// samples imaginary), transformed by an iterative radix-2 decimation-in-time complex FFT
/// of length n with precomputed twiddle factors, and untangled into the N/2 + 1 bins of
/// the real spectrum; the inverse runs the same steps backwards. Storage is split
/// (separate real and imaginary arrays) and every pass works in place on buffers
/// allocated once per plan, so nothing is allocated per element.
struct RealFFT {
    /// The real length N (a power of two, ≥ 4).
    let count: Int
    /// n = N/2, the complex length.
    private let half: Int
    /// Stage twiddles laid out contiguously per stage: the stage joining blocks of length m
    /// reads e^{−2πij/(2m)}, j < m, at offset m − 1 (so the inner loop walks memory in order).
    private let stageCos: [Double]
    private let stageSin: [Double]
    /// e^{−2πik/N}, k ≤ n/2 (untangling twiddles).
    private let untangleCos: [Double]
    private let untangleSin: [Double]
    /// Bit-reversal permutation of 0..<n.
    private let reversed: [Int32]

    /// A plan for real sequences of length `count` (a power of two, at least 4).
    init(count: Int) {
        precondition(count >= 4 && count & (count - 1) == 0, "FFT length must be a power of two >= 4")
        self.count = count
        half = count / 2
        let n = half
        var cosines = [Double](repeating: 1, count: max(1, n - 1)), sines = [Double](repeating: 0, count: max(1, n - 1))
        // The last stage's table (m = n/2) is computed; every smaller stage subsamples it.
        let top = max(1, n / 2)
        for j in 0..<top {
            let angle = -Double.pi * Double(j) / Double(top)
            cosines[top - 1 + j] = cos(angle)
            sines[top - 1 + j] = sin(angle)
        }
        var m = top / 2
        while m >= 1 {
            let stride = top / m
            for j in 0..<m {
                cosines[m - 1 + j] = cosines[top - 1 + j * stride]
                sines[m - 1 + j] = sines[top - 1 + j * stride]
            }
            m /= 2
        }
        stageCos = cosines
        stageSin = sines
        untangleCos = (0...(n / 2)).map { cos(-2 * Double.pi * Double($0) / Double(count)) }
        untangleSin = (0...(n / 2)).map { sin(-2 * Double.pi * Double($0) / Double(count)) }
        var bits = 0
        while 1 << bits < n { bits += 1 }
        var table = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            var r = 0, x = i
            for _ in 0..<bits {
                r = (r << 1) | (x & 1)
                x >>= 1
            }
            table[i] = Int32(r)
        }
        reversed = table
    }

    /// A plan for `count`, shared: plans are immutable, and building one costs N sines and
    /// cosines, more than a transform.
    static func plan(count: Int) -> RealFFT {
        PlanCache.shared.plan(count: count)
    }

    /// The smallest power of two ≥ max(`length`, 4).
    static func length(atLeast length: Int) -> Int {
        var n = 4
        while n < length { n <<= 1 }
        return n
    }

    /// In-place complex FFT of length n on split storage (forward: e^{−2πijk/n}).
    private func complexTransform(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>) {
        let n = half
        reversed.withUnsafeBufferPointer { rev in
            for i in 0..<n {
                let j = Int(rev[i])
                if j > i {
                    swap(&re[i], &re[j])
                    swap(&im[i], &im[j])
                }
            }
        }
        // First two stages together (radix 4 without multiplications: twiddles 1 and −i).
        var size = 2
        if n >= 4 {
            var k = 0
            while k < n {
                let r0 = re[k] + re[k + 1], i0 = im[k] + im[k + 1]
                let r1 = re[k] - re[k + 1], i1 = im[k] - im[k + 1]
                let r2 = re[k + 2] + re[k + 3], i2 = im[k + 2] + im[k + 3]
                let r3 = re[k + 2] - re[k + 3], i3 = im[k + 2] - im[k + 3]
                re[k] = r0 + r2
                im[k] = i0 + i2
                re[k + 2] = r0 - r2
                im[k + 2] = i0 - i2
                // (r3 + i·i3)·(−i) = i3 − i·r3
                re[k + 1] = r1 + i3
                im[k + 1] = i1 - r3
                re[k + 3] = r1 - i3
                im[k + 3] = i1 + r3
                k += 4
            }
            size = 8
        }
        stageCos.withUnsafeBufferPointer { wc in
            stageSin.withUnsafeBufferPointer { ws in
                while size <= n {
                    let halfSize = size / 2
                    let c = wc.baseAddress! + (halfSize - 1)
                    let s = ws.baseAddress! + (halfSize - 1)
                    var start = 0
                    while start < n {
                        let ar = re + start, ai = im + start
                        let br = re + start + halfSize, bi = im + start + halfSize
                        for j in 0..<halfSize {
                            let xr = br[j] * c[j] - bi[j] * s[j]
                            let xi = br[j] * s[j] + bi[j] * c[j]
                            br[j] = ar[j] - xr
                            bi[j] = ai[j] - xi
                            ar[j] += xr
                            ai[j] += xi
                        }
                        start += size
                    }
                    size <<= 1
                }
            }
        }
    }

    /// The spectrum of the real sequence `input` (zero-padded to ``count``): bins 0…N/2 in
    /// `re`/`im` (each of length N/2 + 1).
    func forward(_ input: UnsafeBufferPointer<Double>, re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>) {
        let n = half
        precondition(input.count <= count)
        for j in 0..<n {
            re[j] = 2 * j < input.count ? input[2 * j] : 0
            im[j] = 2 * j + 1 < input.count ? input[2 * j + 1] : 0
        }
        complexTransform(re, im)
        // Untangle: E[k] = (Z[k] + Z*[n−k])/2, O[k] = (Z[k] − Z*[n−k])/(2i), X[k] = E[k] + W^k O[k].
        let r0 = re[0], i0 = im[0]
        re[0] = r0 + i0
        im[0] = 0
        re[n] = r0 - i0
        im[n] = 0
        var k = 1
        while k <= n / 2 {
            let j = n - k
            let ar = re[k], ai = im[k], br = re[j], bi = im[j]
            // E_k, O_k and E_j, O_j (j = n − k) from the pair.
            let ekr = 0.5 * (ar + br), eki = 0.5 * (ai - bi)
            let okr = 0.5 * (ai + bi), oki = -0.5 * (ar - br)
            let wr = untangleCos[k], wi = untangleSin[k]
            // X[k] = E_k + W^k O_k
            re[k] = ekr + (wr * okr - wi * oki)
            im[k] = eki + (wr * oki + wi * okr)
            if j != k {
                // X[j] = E_j + W^j O_j with E_j = conj(E_k), O_j = conj(O_k), W^j = −conj(W^k).
                re[j] = ekr - (wr * okr - wi * oki)
                im[j] = -eki + (wr * oki + wi * okr)
            }
            k += 1
        }
    }

    /// The real sequence (length N, into `output`) whose spectrum bins 0…N/2 are `re`/`im`;
    /// `re` and `im` are overwritten.
    func inverse(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, output: UnsafeMutablePointer<Double>) {
        let n = half
        // Retangle: E[k] = (X[k] + X*[n−k])/2, O[k] = (X[k] − X*[n−k])/(2W^k), Z[k] = E[k] + i O[k].
        let x0 = re[0], xn = re[n]
        var k = 1
        while k <= n / 2 {
            let j = n - k
            let ar = re[k], ai = im[k], br = re[j], bi = im[j]
            let ekr = 0.5 * (ar + br), eki = 0.5 * (ai - bi)
            let dr = 0.5 * (ar - br), di = 0.5 * (ai + bi)
            // O_k = D / W^k = D · conj(W^k)
            let wr = untangleCos[k], wi = untangleSin[k]
            let okr = dr * wr + di * wi
            let oki = di * wr - dr * wi
            re[k] = ekr - oki
            im[k] = eki + okr
            if j != k {
                // E_j = conj(E_k), O_j = conj(O_k)
                re[j] = ekr + oki
                im[j] = -eki + okr
            }
            k += 1
        }
        let e0 = 0.5 * (x0 + xn), o0 = 0.5 * (x0 - xn)
        re[0] = e0
        im[0] = o0
        // Inverse complex FFT by the swap trick: IFFT(z) = swap(FFT(swap(z))) / n.
        complexTransform(im, re)
        let scale = 1 / Double(n)
        for j in 0..<n {
            output[2 * j] = re[j] * scale
            output[2 * j + 1] = im[j] * scale
        }
    }
}

/// The few plans in use (one per power of two), behind a lock.
private final class PlanCache: @unchecked Sendable {
    static let shared = PlanCache()
    private let lock = NSLock()
    private var plans: [Int: RealFFT] = [:]

    func plan(count: Int) -> RealFFT {
        lock.lock()
        if let plan = plans[count] {
            lock.unlock()
            return plan
        }
        lock.unlock()
        let plan = RealFFT(count: count)
        lock.lock()
        // Plans above 2^22 points (64 MB of tables) are not kept.
        if count <= 1 << 22 { plans[count] = plan }
        lock.unlock()
        return plan
    }
}

/// Timing hooks for Benchmarks/ (the FFT itself stays internal).
public enum PLDTiming {
    /// Seconds per forward plus inverse real FFT of `length` (a power of two ≥ 4) random
    /// values, averaged over at least `seconds` of repetitions.
    ///
    /// - Parameters:
    ///   - length: The transform length (rounded up to a power of two).
    ///   - seconds: How long to repeat.
    /// - Returns: Seconds per round trip.
    public static func realFFTRoundTrip(length: Int, seconds: Double) -> Double {
        let plan = RealFFT.plan(count: RealFFT.length(atLeast: length))
        var generator = SystemRandomNumberGenerator()
        let input = (0..<plan.count).map { _ in Double.random(in: 0..<1, using: &generator) }
        var re = [Double](repeating: 0, count: plan.count / 2 + 1), im = re
        var output = [Double](repeating: 0, count: plan.count)
        let clock = ContinuousClock()
        let start = clock.now
        var runs = 0
        var elapsed = Duration.zero
        repeat {
            input.withUnsafeBufferPointer { plan.forward($0, re: &re, im: &im) }
            plan.inverse(re: &re, im: &im, output: &output)
            runs += 1
            elapsed = clock.now - start
        } while elapsed < .milliseconds(Int(seconds * 1000)) || runs < 3
        precondition(abs(output[1] - input[1]) < 1e-9, "FFT round trip lost accuracy")
        let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return total / Double(runs)
    }
}
