import Foundation
import Testing

/// Decodes a hexadecimal string; nil for odd lengths or non-hex characters.
func bytes(hex: String) -> [UInt8]? {
    let characters = Array(hex.utf8)
    guard characters.count % 2 == 0 else { return nil }
    var result: [UInt8] = []
    result.reserveCapacity(characters.count / 2)
    var index = 0
    while index < characters.count {
        guard let high = hexValue(characters[index]), let low = hexValue(characters[index + 1]) else { return nil }
        result.append(high << 4 | low)
        index += 2
    }
    return result
}

private func hexValue(_ character: UInt8) -> UInt8? {
    switch character {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
    default: return nil
    }
}

/// Hex bytes that must decode, for vectors we ship ourselves.
func hex(_ text: String) throws -> [UInt8] {
    try #require(bytes(hex: text), "bad hex in test vector: \(text)")
}

/// A Wycheproof file's groups of tests.
struct WycheproofFile<Group: Decodable>: Decodable {
    var algorithm: String
    var numberOfTests: Int
    var testGroups: [Group]
}

/// Loads a vendored Wycheproof JSON file from the test bundle.
func loadWycheproof<Group: Decodable>(_ name: String, as: Group.Type) throws -> WycheproofFile<Group> {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors"))
    return try JSONDecoder().decode(WycheproofFile<Group>.self, from: Data(contentsOf: url))
}
