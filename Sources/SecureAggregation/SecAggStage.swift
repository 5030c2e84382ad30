/// The five stages of the Bonawitz et al. (CCS 2017) protocol, in order.
///
/// At each stage every surviving client sends one message; a client that vanishes
/// "at" a stage never sends that stage's message (nor any later one).
public enum SecAggStage: Int, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Round 0: clients publish their two X25519 public keys.
    case advertiseKeys
    /// Round 1: clients send encrypted Shamir shares of their self-mask seed and mask key.
    case shareKeys
    /// Round 2: clients send their double-masked input.
    case maskedInputCollection
    /// Round 3: clients confirm (and in authenticated mode sign) the list of survivors.
    case consistencyCheck
    /// Round 4: clients reveal the shares the server needs to remove the masks.
    case unmasking

    /// Protocol order.
    public static func < (lhs: SecAggStage, rhs: SecAggStage) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The stage's name.
    public var description: String {
        switch self {
        case .advertiseKeys: return "AdvertiseKeys"
        case .shareKeys: return "ShareKeys"
        case .maskedInputCollection: return "MaskedInputCollection"
        case .consistencyCheck: return "ConsistencyCheck"
        case .unmasking: return "Unmasking"
        }
    }
}
