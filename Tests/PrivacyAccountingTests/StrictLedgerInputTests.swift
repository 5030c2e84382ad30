import Foundation
import StrictInput
import Testing
@testable import PrivacyAccounting

/// Issue 13 items 11, 13 and 16 for the accounting module: ledgers and event JSON are read
/// bounded, strictly, and with the system's own words for I/O errors.
@Suite final class StrictLedgerInputTests: Sendable {
    let scratch = ScratchFolder()

    /// A complete, CRC-valid spend record whose JSON holds "label" twice: Foundation would
    /// read the first, another reader the last, so the ledger is refused as corrupt.
    @Test func aRecordWithADuplicateKeyIsCorrupt() async throws {
        let path = scratch.path("dup.ledger")
        var ledger: PrivacyLedger? = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 5, delta: 1e-5))
        try await ledger!.spend(.laplace(scale: 10, sensitivity: 1), label: "first")
        ledger = nil
        // Rewrite the spend record with a second "label" key, length and CRC recomputed.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 2)
        let spendJSON = String(lines[1].split(separator: " ", maxSplits: 2)[2])
        let doubled = spendJSON.replacingOccurrences(of: #"{"#, with: #"{"label":"other","#, options: [], range: spendJSON.range(of: "{"))
        let bytes = Array(doubled.utf8)
        let crc = String(CRC32.checksum(bytes), radix: 16)
        let record = "\(bytes.count) \(String(repeating: "0", count: 8 - crc.count) + crc) \(doubled)\n"
        try (String(lines[0]) + "\n" + record).write(toFile: path, atomically: true, encoding: .utf8)
        let offset = String(lines[0]).utf8.count + 1
        #expect(throws: PrivacyAccountingError.corruptLedger(
            path: path, offset: offset,
            reason: "invalid record JSON (\(StrictJSONError.duplicateKey(key: "label", offset: byteOffset(of: #""label""#, in: doubled, after: 1))))")) {
            try LedgerFile.read(path: path)
        }
    }

    private func byteOffset(of needle: String, in text: String, after occurrences: Int) -> Int {
        let haystack = Array(text.utf8), pattern = Array(needle.utf8)
        let hits = (0...(haystack.count - pattern.count)).filter { haystack[$0..<($0 + pattern.count)].elementsEqual(pattern) }
        return hits[occurrences]
    }

    @Test func anEndlessFileIsRefusedAtTheLedgerLimit() {
        #expect(throws: PrivacyAccountingError.corruptLedger(
            path: "/dev/zero", offset: BoundedRead.ledgerFileLimit, reason: "larger than the ledger limit of 67108864 bytes")) {
            try LedgerFile.read(path: "/dev/zero")
        }
    }

    /// `report /dev/null/x` used to print "errno 2" whatever the cause, and no words for it.
    @Test func ioErrorsCarryTheRealErrnoAndItsMeaning() {
        #expect(throws: PrivacyAccountingError.ledgerIO(path: "/dev/null/x", operation: "open", errno: ENOTDIR)) {
            try LedgerFile.read(path: "/dev/null/x")
        }
        #expect(PrivacyAccountingError.ledgerIO(path: "/x", operation: "open", errno: ENOENT).description
            == "ledger /x: open failed: No such file or directory (errno 2)")
        let folder = scratch.url.path
        #expect(throws: PrivacyAccountingError.ledgerIO(path: folder, operation: "read", errno: EISDIR)) { try LedgerFile.read(path: folder) }
    }

    @Test func eventJSONWithADuplicateKeyIsRefused() throws {
        let event = PrivacyEvent.gaussian(noiseMultiplier: 2)
        let json = try JSONEncoder().encode(event)
        #expect(try PrivacyEvent(strictJSON: json) == event)
        let text = String(decoding: json, as: UTF8.self)
        let doubled = "{\"noise_multiplier\":0.001," + text.dropFirst()
        let keyOffset = Array(doubled.utf8).indices.filter { Array(doubled.utf8)[$0...].starts(with: Array(#""noise_multiplier""#.utf8)) }
        #expect(keyOffset.count == 2)
        #expect(throws: StrictJSONError.duplicateKey(key: "noise_multiplier", offset: keyOffset[1])) {
            try PrivacyEvent(strictJSON: Data(doubled.utf8))
        }
    }
}
