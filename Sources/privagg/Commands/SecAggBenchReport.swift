import Foundation
import PrivAggTools
import SecureAggregation

/// The JSON and text forms of a `privagg bench secagg` result (formatting only).
struct SecAggBenchReport: Encodable {
    let clients: Int
    let neighbors: Int
    let threshold: Int
    let dimension: Int
    let dropout: Double
    let droppedClients: Int
    let bitWidth: Int
    let inputBits: Int
    let authenticated: Bool
    let sizeOnly: Bool
    let recommendedNeighbors: Int?
    let securityBits: Double
    let correctnessBits: Double
    let sumVerified: Bool?
    let clientSeconds: Double?
    let clientMaskSeconds: Double?
    let keystreamSeconds: Double?
    let maskToKeystreamRatio: Double?
    let maskBytesPerClient: Int?
    let serverSeconds: Double?
    let serverUnmaskSeconds: Double?
    let totalSeconds: Double?
    let uploadBytesPerClient: Double
    let downloadBytesPerClient: Double
    let maskedInputBytes: Int
    let expansion: Double

    init(_ result: SecAggBenchmark.Result) {
        let request = result.request, simulation = result.simulation
        clients = request.clients
        neighbors = request.neighbors
        threshold = result.threshold
        dimension = request.dimension
        dropout = request.dropout
        droppedClients = result.droppedClients
        bitWidth = request.bitWidth
        inputBits = request.inputBits
        authenticated = request.authenticated
        sizeOnly = request.sizeOnly
        recommendedNeighbors = result.recommendedNeighbors
        securityBits = (result.securityBits * 10).rounded() / 10
        correctnessBits = (result.correctnessBits * 10).rounded() / 10
        sumVerified = simulation?.sumVerified
        clientSeconds = simulation?.clientSeconds
        clientMaskSeconds = simulation?.clientMaskSeconds
        keystreamSeconds = result.keystreamSeconds
        if let mask = simulation?.clientMaskSeconds, let raw = result.keystreamSeconds, raw > 0 {
            maskToKeystreamRatio = mask / raw
        } else {
            maskToKeystreamRatio = nil
        }
        maskBytesPerClient = simulation?.maskBytesPerClient
        serverSeconds = simulation?.serverSeconds
        serverUnmaskSeconds = simulation?.serverUnmaskSeconds
        totalSeconds = simulation?.totalSeconds
        uploadBytesPerClient = result.uploadBytesPerClient
        downloadBytesPerClient = result.downloadBytesPerClient
        maskedInputBytes = result.estimatedSizes.maskedInput
        expansion = result.expansion
    }

    enum CodingKeys: String, CodingKey {
        case clients, neighbors, threshold, dimension, dropout, authenticated, expansion
        case droppedClients = "dropped_clients", bitWidth = "bit_width", inputBits = "input_bits", sizeOnly = "size_only"
        case recommendedNeighbors = "recommended_neighbors", securityBits = "security_bits", correctnessBits = "correctness_bits"
        case sumVerified = "sum_verified", clientSeconds = "client_seconds", clientMaskSeconds = "client_mask_seconds"
        case keystreamSeconds = "keystream_seconds", maskToKeystreamRatio = "mask_to_keystream_ratio"
        case maskBytesPerClient = "mask_bytes_per_client", serverSeconds = "server_seconds"
        case serverUnmaskSeconds = "server_unmask_seconds", totalSeconds = "total_seconds"
        case uploadBytesPerClient = "upload_bytes_per_client", downloadBytesPerClient = "download_bytes_per_client"
        case maskedInputBytes = "masked_input_bytes"
    }

    var text: String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.2f ms", $0 * 1000) } ?? "-" }
        var lines = [
            "secure aggregation: \(clients) clients, \(neighbors) neighbours, t = \(threshold), \(dimension) entries of \(bitWidth) bits, "
                + "\(droppedClients) dropped after ShareKeys\(authenticated ? ", authenticated" : "")",
            "  rule margins ........... security \(securityBits) bits, correctness \(correctnessBits) bits"
                + (recommendedNeighbors.map { "; rule's degree for this N, F: \($0)" } ?? ""),
        ]
        if !sizeOnly {
            lines += [
                "  sum verified ........... \(sumVerified == true ? "yes" : "NO")",
                "  client, whole protocol . \(ms(clientSeconds))",
                "  client mask expansion .. \(ms(clientMaskSeconds)) (\(maskBytesPerClient ?? 0) bytes)",
                "  raw ChaCha20, same bytes \(ms(keystreamSeconds))" + (maskToKeystreamRatio.map { String(format: " (masking = %.2fx raw)", $0) } ?? ""),
                "  server, all stages ..... \(ms(serverSeconds)) (unmasking \(ms(serverUnmaskSeconds)))",
            ]
        }
        lines += [
            String(format: "  upload per client ...... %.0f bytes", uploadBytesPerClient),
            String(format: "  download per client .... %.0f bytes", downloadBytesPerClient),
            String(format: "  expansion .............. %.4fx (vs %d-bit plain entries)", expansion, inputBits),
        ]
        return lines.joined(separator: "\n")
    }
}
