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
    /// e^{−2πij/n}, j < n/2 (complex stage twiddles).
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
        stageCos = (0..<max(1, n / 2)).map { cos(-2 * Double.pi * Double($0) / Double(n)) }
        stageSin = (0..<max(1, n / 2)).map { sin(-2 * Double.pi * Double($0) / Double(n)) }
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
        stageCos.withUnsafeBufferPointer { wc in
            stageSin.withUnsafeBufferPointer { ws in
                var size = 2
                while size <= n {
                    let halfSize = size / 2
                    let stride = n / size
                    var start = 0
                    while start < n {
                        var t = 0
                        for k in start..<(start + halfSize) {
                            let c = wc[t], s = ws[t]
                            let m = k + halfSize
                            let xr = re[m] * c - im[m] * s
                            let xi = re[m] * s + im[m] * c
                            re[m] = re[k] - xr
                            im[m] = im[k] - xi
                            re[k] += xr
                            im[k] += xi
                            t += stride
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
