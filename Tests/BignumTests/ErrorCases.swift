/// The case name ("overflow", "packing", ...) of the `E` that `body` threw, so a test names
/// the exact case where the payload is a message whose wording is incidental; nil if `body`
/// returned, and "another error: ..." if it threw an error of another type.
func thrownCase<E: Error, Result>(_ type: E.Type, _ body: () throws -> Result) -> String? {
    do {
        _ = try body()
    } catch let error as E {
        return Mirror(reflecting: error).children.first?.label ?? "\(error)"
    } catch {
        return "another error: \(error)"
    }
    return nil
}
