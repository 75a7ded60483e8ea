import DockerEngine
import Yams

/// A `samples:` query, in a predicate or an evidence source: a column of the container's samples (one of
/// ``ResourceSample/measurements``), optionally divided by another, aggregated over a window before the last trigger.
extension PlaybookParser {
    mutating func sampleQuery(_ keys: [String: Node], at node: Node) -> SampleQuery? {
        guard let name = keys["column"].flatMap({ string($0, "column") }), let column = sampleColumn(name, at: node) else { return nil }
        var divisor: ResourceSample.Column?
        if let name = keys["divided_by"]?.string {
            guard let parsed = sampleColumn(name, at: node) else { return nil }
            divisor = parsed
        }
        var aggregate = SampleQuery.Aggregate.max
        if let text = keys["aggregate"].flatMap({ string($0, "aggregate") }) {
            guard let value = SampleQuery.Aggregate(rawValue: text) else {
                error(keys["aggregate"], "unknown aggregate '\(text)': use \(SampleQuery.Aggregate.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            aggregate = value
        }
        var within: Int64 = 10 * 60_000_000_000
        if let node = keys["within"] {
            guard let text = node.string, let nanos = Timestamp.durationNanos(text), nanos > 0 else {
                error(node, "within takes a duration such as 90s, 10m or 1h")
                return nil
            }
            within = nanos
        }
        return SampleQuery(column: column, dividedBy: divisor, aggregate: aggregate, withinNanos: within)
    }

    private mutating func sampleColumn(_ name: String, at node: Node) -> ResourceSample.Column? {
        guard let column = ResourceSample.Column(rawValue: name), ResourceSample.measurements.contains(column) else {
            error(node, "unknown sample column '\(name)': use \(ResourceSample.measurements.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return column
    }
}
