/// One of the four hospitals of the UCI Heart Disease data set; each is one federated client.
public enum HeartDiseaseSite: String, CaseIterable, Sendable, Codable {
    /// Cleveland Clinic Foundation (303 records).
    case cleveland
    /// Hungarian Institute of Cardiology, Budapest (294 records).
    case hungarian
    /// University Hospitals Zurich and Basel (123 records).
    case switzerland
    /// V.A. Medical Center, Long Beach, CA (200 records).
    case va

    /// The vendored file holding the site's records.
    public var fileName: String { "processed.\(rawValue).data" }
}
