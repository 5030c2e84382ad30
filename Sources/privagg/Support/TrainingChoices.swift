import ArgumentParser

/// `--dataset` values.
enum DatasetChoice: String, CaseIterable, ExpressibleByArgument {
    case heartDisease = "heart-disease"
    case synthetic
    /// Your own CSV files (`--data`, `--schema`).
    case csv
}

/// `--aggregator` values.
enum AggregatorChoice: String, CaseIterable, ExpressibleByArgument {
    case plain, secagg
    case secaggPlus = "secagg+"
    case paillier
    case paillierThreshold = "paillier-threshold"
}

/// `--privacy` values.
enum PrivacyChoice: String, CaseIterable, ExpressibleByArgument {
    case none
    case dpSGD = "dp-sgd"
    case central, local, distributed
}

/// `--model` values of `privagg train`.
enum ModelChoice: String, CaseIterable, ExpressibleByArgument {
    case logistic, mlp
}

/// `--format` values of commands that print a run.
enum RunFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}
