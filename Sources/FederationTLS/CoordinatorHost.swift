import SwiftASN1
import X509
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A name under which sites reach the coordinator (`--coordinator-host`): a DNS name or an
/// IPv4/IPv6 address, put in the coordinator certificate's subject alternative names so a
/// site's TLS client can check it is talking to the right machine.
public enum CoordinatorHost: Hashable, Sendable, CustomStringConvertible {
    /// A DNS name, lowercased.
    case dnsName(String)
    /// An IP address: 4 or 16 bytes, and the text it was given as.
    case ipAddress(bytes: [UInt8], text: String)

    /// Parses `text` as an IP address, else as a DNS name.
    ///
    /// - Parameter text: e.g. `localhost`, `coordinator.example.org`, `127.0.0.1`, `::1`.
    /// - Throws: ``FederationTLSError/invalidParameter(name:reason:)`` when it is neither.
    public init(_ text: String) throws(FederationTLSError) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .ipAddress(bytes: withUnsafeBytes(of: &v4) { Array($0) }, text: text)
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self = .ipAddress(bytes: withUnsafeBytes(of: &v6) { Array($0) }, text: text)
            return
        }
        let name = text.lowercased()
        guard !name.isEmpty, name.utf8.count <= 253 else {
            throw .invalidParameter(name: "coordinator host", reason: "'\(text)' is not an IP address or a DNS name of 1 to 253 characters")
        }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            let bytes = Array(label.utf8)
            let valid = !bytes.isEmpty && bytes.count <= 63 && bytes.first != 0x2D && bytes.last != 0x2D
                && bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
            guard valid else {
                throw .invalidParameter(
                    name: "coordinator host",
                    reason: "'\(text)' is not an IP address or a DNS name (labels of 1 to 63 letters, digits or inner '-')")
            }
        }
        self = .dnsName(name)
    }

    /// The subject alternative name for this host.
    var generalName: GeneralName {
        switch self {
        case .dnsName(let name): return .dnsName(name)
        case .ipAddress(let bytes, _): return .ipAddress(ASN1OctetString(contentBytes: bytes[...]))
        }
    }

    public var description: String {
        switch self {
        case .dnsName(let name): return name
        case .ipAddress(_, let text): return text
        }
    }
}
