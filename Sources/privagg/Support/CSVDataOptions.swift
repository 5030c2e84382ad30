import ArgumentParser
import FedAvg
import Foundation

/// `--data` and `--schema`: your own CSV files as federated sites.
struct CSVDataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "With --dataset csv: a folder with one CSV per site, or one CSV with the schema's site column.",
        valueName: "path"))
    var data: String?
    @Option(name: .long, help: ArgumentHelp(
        "With --dataset csv: the schema (JSON: label, feature types, public ranges, missing markers) (default: DATA/schema.json for a folder).",
        valueName: "file"))
    var schema: String?

    /// Refuses `--data`/`--schema` without `--dataset csv`, and `--dataset csv` without `--data`.
    func validate(dataset: DatasetChoice) throws {
        if dataset == .csv {
            guard data != nil else { throw ValidationError("--dataset csv needs --data PATH (a folder with one CSV per site, or one CSV with a site column)") }
        } else if data != nil || schema != nil {
            throw ValidationError("--data and --schema apply to --dataset csv only")
        }
    }

    /// The schema file: `--schema`, else `schema.json` in the data folder.
    func schemaPath() throws -> String {
        if let schema { return schema }
        guard let data else { throw ValidationError("--dataset csv needs --data PATH") }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: data, isDirectory: &isFolder), isFolder.boolValue {
            return (data as NSString).appendingPathComponent("schema.json")
        }
        throw ValidationError("--data \(data) is one file: give its schema with --schema FILE")
    }

    /// The sites as clients. A private run takes features from the schema's public ranges
    /// (and is refused, with the reason, if one is missing); a run without privacy does too
    /// when every range is there, else it imputes from each site's own records.
    ///
    /// - Parameters:
    ///   - seed: seed of the train/test split.
    ///   - isPrivate: whether the run has differential privacy.
    ///   - limit: `--clients`: take the first sites only.
    func clients(seed: UInt64, isPrivate: Bool, limit: Int?) throws -> [SiteClient] {
        guard let data else { throw ValidationError("--dataset csv needs --data PATH") }
        let schema = try CSVSchema.load(from: schemaPath())
        let preprocessing: HeartDisease.Preprocessing = isPrivate || schema.featuresWithoutRange.isEmpty ? .publicRanges : .siteImputation
        let all = try CSVDataset.clients(at: data, schema: schema, seed: seed, preprocessing: preprocessing)
        guard let limit else { return all }
        guard limit <= all.count else { throw ValidationError("--clients \(limit) but \(data) holds \(all.count) sites") }
        return Array(all.prefix(limit))
    }
}
