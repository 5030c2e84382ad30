import ArgumentParser

/// `privagg paillier`: python-paillier's `pheutil`, same arguments and file formats.
struct PaillierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paillier",
        abstract: "Paillier encryption with pheutil-compatible keys and ciphertexts.",
        discussion: "Arguments follow python-paillier's pheutil, so scripts can swap the two tools. Pass negative plaintexts after --.",
        subcommands: [
            PaillierGenpkeyCommand.self, PaillierExtractCommand.self, PaillierEncryptCommand.self,
            PaillierDecryptCommand.self, PaillierAddencCommand.self, PaillierAddCommand.self,
            PaillierMultiplyCommand.self, PaillierSumCommand.self,
            PaillierPartyKeygenCommand.self, PaillierThresholdKeygenCommand.self,
            PaillierPartialDecryptCommand.self, PaillierCombineCommand.self,
        ]
    )
}
