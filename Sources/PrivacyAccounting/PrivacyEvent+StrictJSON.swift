import Foundation
import StrictInput

extension PrivacyEvent {
    /// Decodes an event from JSON after the strict pre-check: one value, no duplicate keys
    /// (Foundation keeps the first of two equal keys, most other readers the last, so a
    /// duplicate could mean one event here and another elsewhere), nesting at most 64 deep.
    ///
    /// - Parameter data: UTF-8 JSON as `JSONEncoder` writes a `PrivacyEvent`.
    /// - Throws: `StrictJSONError` for text the pre-check refuses, or the
    ///   decoder's `DecodingError` for a well-formed document that is not a valid event.
    public init(strictJSON data: Data) throws {
        try StrictJSON.validate(data)
        self = try JSONDecoder().decode(PrivacyEvent.self, from: data)
    }
}
