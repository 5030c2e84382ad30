import Foundation

/// The number of cores the process may use, read once.
enum ProcessInfoCores {
    static let active = max(1, ProcessInfo.processInfo.activeProcessorCount)
}
