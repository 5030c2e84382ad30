import Testing
@testable import FedAvg

/// Checks `client.trainingGradient(model)` against central finite differences of the
/// training loss, parameter by parameter.
func expectGradientMatchesFiniteDifferences<M: TrainableModel>(
    of model: M, on client: SiteClient, step h: Double = 1e-6, tolerance: Double = 1e-6,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let gradient = client.trainingGradient(model)
    for index in model.parameters.indices {
        var plus = model, minus = model
        plus.parameters[index] += h
        minus.parameters[index] -= h
        let numeric = (client.trainingLoss(plus) - client.trainingLoss(minus)) / (2 * h)
        #expect(abs(numeric - gradient[index]) < tolerance, "parameter \(index): \(numeric) vs \(gradient[index])", sourceLocation: sourceLocation)
    }
}
