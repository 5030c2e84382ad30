/// The neighbourhood graph of SecAgg+ (Bell et al., CCS 2020): a k-regular Harary graph
/// H(k, n) under a uniformly random relabelling of the clients.
///
/// Clients sit on a ring in a random order; each is joined to the k/2 nearest on either
/// side and, for odd k (n even), to the client opposite. Clients share keys and masks only
/// with neighbours, so a client's cost grows with k = O(log n) instead of n. With
/// k = n − 1 the graph is complete: the original protocol of Bonawitz et al.
public struct SecAggPlusGraph: Sendable, Equatable {
    /// All clients, ascending.
    public let clientIDs: [UInt32]
    /// The degree k of every client.
    public let degree: Int
    private let neighbourTable: [UInt32: [UInt32]]

    /// The complete graph on `clientIDs`: every client is every other client's neighbour.
    public static func complete(clientIDs: [UInt32]) throws(SecAggError) -> SecAggPlusGraph {
        try SecAggPlusGraph(validatedIDs: clientIDs, degree: clientIDs.count - 1, table: [:])
    }

    /// A random relabelling of H(`degree`, n) over `clientIDs`.
    ///
    /// Requires 1 ≤ k ≤ n − 1, and k even when n is odd (no odd-degree regular graph has an
    /// odd number of vertices).
    public init<R: RandomNumberGenerator>(clientIDs: [UInt32], degree: Int, using generator: inout R) throws(SecAggError) {
        let n = clientIDs.count
        guard n >= 2 else { throw .invalidParameter(name: "clientIDs", reason: "a neighbour graph needs at least 2 clients, got \(n)") }
        guard (1...(n - 1)).contains(degree) else {
            throw .invalidParameter(name: "degree", reason: "degree must be in 1...\(n - 1) for \(n) clients, got \(degree)")
        }
        guard degree % 2 == 0 || n % 2 == 0 else {
            throw .invalidParameter(name: "degree", reason: "an odd degree (\(degree)) needs an even number of clients, got \(n)")
        }
        if degree == n - 1 {
            self = try .complete(clientIDs: clientIDs)
            return
        }
        let ring = clientIDs.shuffled(using: &generator)
        var table: [UInt32: [UInt32]] = [:]
        table.reserveCapacity(n)
        for position in 0..<n {
            var neighbours: [UInt32] = []
            neighbours.reserveCapacity(degree)
            for distance in 1...(degree / 2) {
                neighbours.append(ring[(position + distance) % n])
                neighbours.append(ring[(position - distance + n) % n])
            }
            if degree % 2 == 1 { neighbours.append(ring[(position + n / 2) % n]) }
            table[ring[position]] = neighbours.sorted()
        }
        try self.init(validatedIDs: clientIDs, degree: degree, table: table)
    }

    private init(validatedIDs: [UInt32], degree: Int, table: [UInt32: [UInt32]]) throws(SecAggError) {
        let sorted = validatedIDs.sorted()
        guard zip(sorted, sorted.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .invalidParameter(name: "clientIDs", reason: "client ids must be distinct")
        }
        guard sorted.count >= 2 else { throw .invalidParameter(name: "clientIDs", reason: "a neighbour graph needs at least 2 clients, got \(sorted.count)") }
        clientIDs = sorted
        self.degree = degree
        neighbourTable = table
    }

    /// Whether every client neighbours every other one (the original protocol).
    public var isComplete: Bool { degree == clientIDs.count - 1 }

    /// Whether `id` is one of the clients.
    public func contains(_ id: UInt32) -> Bool {
        isComplete ? binarySearch(clientIDs, id) : neighbourTable[id] != nil
    }

    /// The neighbours of `id`, ascending (never `id` itself); empty for unknown ids.
    public func neighbors(of id: UInt32) -> [UInt32] {
        if isComplete { return contains(id) ? clientIDs.filter { $0 != id } : [] }
        return neighbourTable[id] ?? []
    }

    /// Whether `a` and `b` are neighbours.
    public func areNeighbors(_ a: UInt32, _ b: UInt32) -> Bool {
        guard a != b else { return false }
        if isComplete { return contains(a) && contains(b) }
        return neighbourTable[a].map { binarySearch($0, b) } ?? false
    }
}

/// Whether the ascending array `sorted` contains `value`.
func binarySearch(_ sorted: [UInt32], _ value: UInt32) -> Bool {
    var low = 0, high = sorted.count
    while low < high {
        let middle = (low + high) / 2
        if sorted[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low < sorted.count && sorted[low] == value
}
