import Foundation
import Sodium

/// The UCI Heart Disease data (vendored, CC BY 4.0) as four federated clients.
public enum HeartDisease {
    /// Loads each site's records, splits them into train and test parts stratified by label
    /// (seeded), learns each site's imputation from its own training part, and appends the
    /// missing-value indicators. The clients are not yet standardized: pass them to
    /// ``FederatedStandardization/standardize(_:aggregator:)``.
    ///
    /// - Parameters:
    ///   - sites: which hospitals take part (default: all four).
    ///   - seed: seed of the splits.
    ///   - testFraction: share of each label held out at each site.
    ///   - directory: a folder with the processed files (default: the bundled copy).
    /// - Throws: ``FedAvgError`` for a bad fraction or a malformed file.
    public static func clients(
        sites: [HeartDiseaseSite] = HeartDiseaseSite.allCases, seed: UInt64, testFraction: Double = 0.2, directory: URL? = nil
    ) throws -> [SiteClient] {
        try preparedSites(sites: sites, seed: seed, testFraction: testFraction, directory: directory).map {
            SiteClient(name: $0.site.rawValue, training: $0.training, test: $0.test)
        }
    }

    /// Each site's imputed training and test records (what a client is built from).
    static func preparedSites(
        sites: [HeartDiseaseSite], seed: UInt64, testFraction: Double, directory: URL?
    ) throws -> [(site: HeartDiseaseSite, training: LocalDataset, test: LocalDataset)] {
        guard testFraction > 0, testFraction < 1 else {
            throw FedAvgError.invalidParameter(name: "testFraction", reason: "must be in (0, 1), got \(testFraction)")
        }
        guard !sites.isEmpty else { throw FedAvgError.invalidParameter(name: "sites", reason: "at least one site is needed") }
        return try sites.map { site in
            let records = try HeartDiseaseFile.load(site, directory: directory)
            // Each site's split depends only on the seed and the site, not on which others take part.
            let index = HeartDiseaseSite.allCases.firstIndex(of: site) ?? 0
            var generator = ChaChaRandom(seed: seed &+ 0x5157_0000 &+ UInt64(index))
            let split = StratifiedSplit.indices(labels: records.labels, testFraction: testFraction, using: &generator)
            let training = records.subset(split.train), test = records.subset(split.test)
            let imputation = Imputation(training: training, indicatorColumns: HeartDiseaseFile.optionalAttributes)
            return (site, imputation.apply(to: training), imputation.apply(to: test))
        }
    }

    /// Names of the features after imputation: the 13 attributes, then one `<name>_missing`
    /// indicator per optional attribute.
    public static var featureNames: [String] {
        HeartDiseaseFile.attributeNames + HeartDiseaseFile.optionalAttributes.map { HeartDiseaseFile.attributeNames[$0] + "_missing" }
    }
}
