import Foundation

/// Writes plots to disk: the SVG, and a PNG beside it when `rsvg-convert` (librsvg) is on
/// the PATH, for tools and journals that take no SVG.
public enum PlotFile {
    /// Errors of ``write(_:to:searchPath:)``.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// `rsvg-convert` ran but exited with `status` (the SVG is written; no PNG).
        case converterFailed(path: String, status: Int32)

        /// A one-line explanation.
        public var description: String {
            switch self {
            case .converterFailed(let path, let status): return "rsvg-convert failed on \(path) (exit status \(status)); the SVG is written, the PNG is not"
            }
        }
    }

    /// The `rsvg-convert` executable on `searchPath` (a PATH-style list), if any.
    ///
    /// - Parameter searchPath: colon-separated folders (default: the process's PATH).
    /// - Returns: the executable's path, or nil.
    public static func converter(searchPath: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for folder in (searchPath ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = String(folder) + "/rsvg-convert"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Writes `svg` to `path` atomically and, when `rsvg-convert` is found, the PNG at the
    /// same path with the extension `.png`.
    ///
    /// - Parameters:
    ///   - svg: the SVG text.
    ///   - path: where the SVG goes (should end in `.svg`).
    ///   - searchPath: where to look for `rsvg-convert` (default: PATH).
    /// - Returns: the PNG's path, or nil when no converter is installed.
    /// - Throws: Foundation's file errors; ``Failure/converterFailed(path:status:)`` if the
    ///   converter exits with an error.
    @discardableResult
    public static func write(_ svg: String, to path: String, searchPath: String? = ProcessInfo.processInfo.environment["PATH"]) throws -> String? {
        try Data(svg.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        guard let converter = converter(searchPath: searchPath) else { return nil }
        let png = (path as NSString).deletingPathExtension + ".png"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: converter)
        // Twice the SVG's size, so the PNG stays sharp on a slide or in a paper.
        process.arguments = ["--zoom", "2", "--background-color", "white", "--output", png, path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure.converterFailed(path: path, status: process.terminationStatus) }
        return png
    }
}
