/// Where a federation directory keeps its files (`privagg federation init --out DIR`).
///
/// ```
/// DIR/                       0700
///   ca.pem                   the federation CA certificate (public)
///   ca-key.pem               the CA's private key, 0600: keep it offline once sites are issued
///   coordinator/             0700, copy to the coordinator's machine
///     cert.pem  key.pem (0600)  ca.pem
///   sites/                   0700
///     NAME/                  0700, copy to site NAME's machine (`privagg join --tls DIR/sites/NAME`)
///       cert.pem  key.pem (0600)  ca.pem
/// ```
///
/// Every node directory is self-contained (its certificate, its key and the CA that verifies
/// its peers), so it can be copied to its machine alone.
public struct FederationLayout: Sendable, Hashable {
    /// The federation directory.
    public let root: String

    /// The layout of the federation directory `root`.
    ///
    /// - Parameter root: The directory given to `--out`.
    public init(root: String) {
        self.root = root
    }

    /// `DIR/ca.pem`.
    public var authorityCertificate: String { root + "/ca.pem" }
    /// `DIR/ca-key.pem` (0600).
    public var authorityKey: String { root + "/ca-key.pem" }
    /// `DIR/coordinator`, the coordinator's TLS directory.
    public var coordinatorDirectory: String { root + "/coordinator" }
    /// `DIR/sites`.
    public var sitesDirectory: String { root + "/sites" }

    /// `DIR/sites/NAME`, the TLS directory of site `name`.
    ///
    /// - Parameter name: The site.
    public func siteDirectory(_ name: NodeName) -> String { sitesDirectory + "/" + name.value }
}

/// The files of one node's TLS directory (`DIR/coordinator` or `DIR/sites/NAME`).
public enum NodeDirectoryFile {
    /// The node's certificate.
    public static let certificate = "cert.pem"
    /// The node's private key (0600).
    public static let privateKey = "key.pem"
    /// The federation CA certificate, the only trust root for the node's peers.
    public static let authority = "ca.pem"
}
