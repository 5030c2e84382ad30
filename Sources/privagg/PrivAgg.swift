import ArgumentParser

/// The `privagg` command: privacy budgets, private training runs and crypto benchmarks.
@main
struct PrivAgg: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privagg",
        abstract: "Privacy-preserving aggregation: DP accounting, secure aggregation, Paillier, FedAvg.",
        version: PrivAggVersion.current,
        subcommands: [
            VersionCommand.self,
            DemoCommand.self,
            TrainCommand.self,
            ExperimentCommand.self,
            BudgetCommand.self,
            ComposeCommand.self,
            CalibrateCommand.self,
            DDPParamsCommand.self,
            DDPTradeoffCommand.self,
            ReportCommand.self,
            NoiseCommand.self,
            PaillierCommand.self,
            BenchCommand.self,
            FederationForwardCommand.self,
            FlowerNodeCommand.self,
            ServeForwardCommand.self,
            JoinForwardCommand.self,
            SimulateForwardCommand.self,
        ]
    )
}
