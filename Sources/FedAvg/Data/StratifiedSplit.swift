import Sodium

/// A seeded train/test split that keeps each label's share in both parts.
enum StratifiedSplit {
    /// Indices of the training and test records: for each label, `round(testFraction × count)`
    /// of its records (shuffled by `generator`) go to the test part.
    static func indices<R: RandomNumberGenerator>(labels: [Double], testFraction: Double, using generator: inout R) -> (train: [Int], test: [Int]) {
        var train: [Int] = [], test: [Int] = []
        for label in [0.0, 1.0] {
            var members = labels.indices.filter { labels[$0] == label }
            members.shuffle(using: &generator)
            let testCount = Int((testFraction * Double(members.count)).rounded())
            test += members.prefix(testCount)
            train += members.dropFirst(testCount)
        }
        return (train.sorted(), test.sorted())
    }
}
