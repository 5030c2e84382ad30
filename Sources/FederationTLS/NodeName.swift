/// The name of a federation node (a site or the coordinator) as it appears in certificates:
/// the subject's common name and a URI subject alternative name (``FederationIdentity``).
///
/// A name is 1 to 63 characters of lowercase ASCII letters, digits, `-` and `_`, starting with
/// a letter or digit. Lowercase only, so that `Cleveland` and `cleveland` can never be two
/// sites that an operator reads as one; no dots, slashes or spaces, so a name is also a safe
/// directory name and URI component.
public struct NodeName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The longest name accepted (a DNS label's limit).
    public static let maximumLength = 63

    /// The name.
    public let value: String

    /// Validates `value`.
    ///
    /// - Parameter value: The candidate name.
    /// - Throws: ``FederationTLSError/invalidNodeName(name:reason:)`` saying what is wrong.
    public init(_ value: String) throws(FederationTLSError) {
        guard !value.isEmpty else { throw .invalidNodeName(name: value, reason: "empty") }
        guard value.utf8.count <= Self.maximumLength else {
            throw .invalidNodeName(name: value, reason: "longer than \(Self.maximumLength) characters")
        }
        for byte in value.utf8 {
            let allowed = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
            guard allowed else {
                throw .invalidNodeName(
                    name: value, reason: "only lowercase letters a-z, digits, '-' and '_' are allowed")
            }
        }
        let first = value.utf8.first!
        guard first != 0x2D, first != 0x5F else {
            throw .invalidNodeName(name: value, reason: "must start with a letter or a digit")
        }
        self.value = value
    }

    /// Validates a list of site names: each valid, none repeated.
    ///
    /// - Parameter names: The names, in the caller's order (kept).
    /// - Returns: The validated names.
    /// - Throws: ``FederationTLSError/invalidNodeName(name:reason:)`` or
    ///   ``FederationTLSError/duplicateNodeName(_:)``.
    public static func validatedList(_ names: [String]) throws(FederationTLSError) -> [NodeName] {
        var seen = Set<String>()
        var result: [NodeName] = []
        for name in names {
            let validated = try NodeName(name)
            guard seen.insert(name).inserted else { throw .duplicateNodeName(name) }
            result.append(validated)
        }
        return result
    }

    public var description: String { value }

    public static func < (lhs: NodeName, rhs: NodeName) -> Bool { lhs.value < rhs.value }
}
