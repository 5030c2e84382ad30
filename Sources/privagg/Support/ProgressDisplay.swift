import Foundation

/// Progress for long runs, on standard error so that standard output carries only results
/// (`privagg train > result.txt` holds no progress lines): a redrawn bar when standard error
/// is a terminal, plain lines otherwise (logs, pipes, CI).
final class ProgressDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var barShown = false

    /// Announces a phase.
    func phase(_ title: String) {
        lock.withLock {
            finishBar()
            write("\(title)\n")
        }
    }

    /// Shows one round's progress; `epsilon` is nil for a run without privacy.
    func round(_ round: Int, of total: Int, accuracy: Double, epsilon: Double?) {
        lock.withLock {
            let privacy = epsilon.map { String(format: "ε %.3f", $0) } ?? "no privacy"
            let status = String(format: "round %3d/%d  accuracy %.3f  ", round, total, accuracy) + privacy
            if isTerminal {
                let width = 30, filled = min(width, width * round / max(total, 1))
                write("\r  [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + status)
                barShown = true
            } else {
                write("  \(status)\n")
            }
        }
    }

    /// Ends a bar in progress with a newline.
    func finish() { lock.withLock { finishBar() } }

    private func finishBar() {
        if barShown { write("\n") }
        barShown = false
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
