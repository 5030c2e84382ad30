import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// This process's memory at one instant: the kernel's resident-set figures and glibc
/// malloc's own accounting, so a benchmark can say where the coordinator's memory goes
/// (live heap blocks, free bytes malloc keeps, or pages outside malloc).
public struct ProcessMemory: Codable, Sendable, Equatable {
    /// What the snapshot was taken after (a stage name).
    public var label: String
    /// VmRSS of /proc/self/status: resident bytes now.
    public var residentBytes: Int
    /// VmHWM of /proc/self/status: the peak resident bytes so far.
    public var peakResidentBytes: Int
    /// Bytes in live malloc blocks (mallinfo2 `uordblks` + `hblkhd`); nil off glibc.
    public var heapInUseBytes: Int?
    /// Free bytes malloc keeps in its arenas (mallinfo2 `fordblks`); nil off glibc.
    public var heapFreeBytes: Int?
    /// Bytes of blocks malloc placed in their own mmap (mallinfo2 `hblkhd`); nil off glibc.
    public var heapMappedBytes: Int?

    /// Reads the current figures (zero resident figures where /proc is unavailable).
    ///
    /// - Parameter label: what the snapshot was taken after.
    public static func snapshot(_ label: String) -> ProcessMemory {
        var memory = ProcessMemory(label: label, residentBytes: 0, peakResidentBytes: 0)
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
            for line in status.split(separator: "\n") {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count >= 2, let kilobytes = Int(fields[1]) else { continue }
                if fields[0] == "VmRSS:" { memory.residentBytes = kilobytes * 1024 }
                if fields[0] == "VmHWM:" { memory.peakResidentBytes = kilobytes * 1024 }
            }
        }
        if let info = mallocInfo() {
            memory.heapInUseBytes = info.uordblks + info.hblkhd
            memory.heapFreeBytes = info.fordblks
            memory.heapMappedBytes = info.hblkhd
        }
        return memory
    }

    /// The fields of glibc's `struct mallinfo2` (ten `size_t`s) this type reports.
    private struct MallocInfo {
        var uordblks: Int
        var fordblks: Int
        var hblkhd: Int
    }

    /// glibc's `mallinfo2()` (2.33+), looked up at run time: Swift's Glibc module does not
    /// import <malloc.h>. Returning a 80-byte struct, it takes the result's address as a hidden
    /// first argument in x86-64's System V ABI, which is how it is called here; nil on other
    /// platforms or when the symbol is missing.
    private static func mallocInfo() -> MallocInfo? {
        #if os(Linux) && arch(x86_64)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallinfo2") else { return nil }
        typealias Function = @convention(c) (UnsafeMutableRawPointer) -> UnsafeMutableRawPointer?
        let function = unsafeBitCast(symbol, to: Function.self)
        var fields = [Int](repeating: 0, count: 10)
        fields.withUnsafeMutableBytes { _ = function($0.baseAddress!) }
        // struct mallinfo2 { arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost }
        return MallocInfo(uordblks: fields[7], fordblks: fields[8], hblkhd: fields[4])
        #else
        return nil
        #endif
    }

    /// One line for logs: the figures in MiB.
    public var summary: String {
        func mebibytes(_ bytes: Int?) -> String { bytes.map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "-" }
        return "\(label): rss \(mebibytes(residentBytes)) MiB (peak \(mebibytes(peakResidentBytes))), heap in use \(mebibytes(heapInUseBytes)), "
            + "heap free \(mebibytes(heapFreeBytes)), mmapped blocks \(mebibytes(heapMappedBytes))"
    }
}
