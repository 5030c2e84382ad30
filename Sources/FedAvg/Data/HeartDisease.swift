import Foundation
import Sodium

/// The UCI Heart Disease data (vendored, CC BY 4.0) as four federated clients.
public enum HeartDisease {
    /// How records become features.
    public enum Preprocessing: Sendable {
        /// Every attribute clamped to its public range and scaled to [−1, 1], a missing value
        /// set to 0 (the middle of its range), plus the missing-value indicators. Each record
        /// is transformed on its own by a public function, so adding or removing a record
        /// changes no other record's features: what DP-SGD's record-level guarantee assumes.
        case publicRanges
        /// Missing values replaced by the median of the site's own training values, plus the
        /// indicators, in the files' units (then ``FederatedStandardization``). Every record
        /// then depends on all the others through the medians and the federated means and
        /// deviations, which voids a record-level guarantee: for non-private runs only.
        case siteImputation
    }

    /// Loads each site's records, splits them into train and test parts stratified by label
    /// (seeded), and turns them into features by `preprocessing`. With ``Preprocessing/siteImputation``
    /// the clients are not yet standardized: pass them to
    /// ``FederatedStandardization/standardize(_:aggregator:)``.
    ///
    /// - Parameters:
    ///   - sites: which hospitals take part (default: all four).
    ///   - seed: seed of the splits.
    ///   - testFraction: share of each label held out at each site.
    ///   - directory: a folder with the processed files (default: the bundled copy).
    ///   - preprocessing: public-range scaling (the default, valid under differential
    ///     privacy) or imputation from the site's own data.
    /// - Throws: ``FedAvgError`` for a bad fraction or a malformed file.
    public static func clients(
        sites: [HeartDiseaseSite] = HeartDiseaseSite.allCases, seed: UInt64, testFraction: Double = 0.2, directory: URL? = nil,
        preprocessing: Preprocessing = .publicRanges
    ) throws -> [SiteClient] {
        try preparedSites(sites: sites, seed: seed, testFraction: testFraction, directory: directory, preprocessing: preprocessing).map {
            SiteClient(name: $0.site.rawValue, training: $0.training, test: $0.test)
        }
    }

    /// Each site's preprocessed training and test records (what a client is built from).
    static func preparedSites(
        sites: [HeartDiseaseSite], seed: UInt64, testFraction: Double, directory: URL?, preprocessing: Preprocessing
    ) throws -> [(site: HeartDiseaseSite, training: LocalDataset, test: LocalDataset)] {
        guard !sites.isEmpty else { throw FedAvgError.invalidParameter(name: "sites", reason: "at least one site is needed") }
        let schema = try HeartDiseaseFile.schema()
        // Each site's split depends only on the seed and the site, not on which others take part.
        let loaded = try sites.map { site in
            (index: HeartDiseaseSite.allCases.firstIndex(of: site) ?? 0, name: site.rawValue, records: try HeartDiseaseFile.load(site, directory: directory))
        }
        return try zip(sites, CSVDataset.prepare(loaded, schema: schema, seed: seed, testFraction: testFraction, preprocessing: preprocessing)).map {
            ($0, $1.training, $1.test)
        }
    }

    /// Every attribute clamped to ``HeartDiseaseFile/publicRanges`` and mapped onto [−1, 1];
    /// missing values stay missing.
    static func scaledToPublicRanges(_ data: LocalDataset) -> LocalDataset {
        CSVDataset.scaledToPublicRanges(data, ranges: HeartDiseaseFile.publicRanges)
    }

    /// Names of the features after imputation: the 13 attributes, then one `<name>_missing`
    /// indicator per optional attribute.
    public static var featureNames: [String] {
        HeartDiseaseFile.attributeNames + HeartDiseaseFile.optionalAttributes.map { HeartDiseaseFile.attributeNames[$0] + "_missing" }
    }
}
