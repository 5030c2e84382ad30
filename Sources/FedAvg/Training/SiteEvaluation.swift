/// A site's evaluation of a model on its own test records.
public struct SiteEvaluation: Sendable, Equatable, Codable {
    /// The site's name.
    public var site: String
    /// Correctly classified test records.
    public var correct: Int
    /// Test records.
    public var count: Int
    /// Summed (not averaged) test loss.
    public var loss: Double

    /// Share of test records classified correctly.
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
}
