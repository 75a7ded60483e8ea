import DockerEngine

/// One resource sample of a container (`stats --json`), as the recorder read it from the cgroup files or the
/// Engine API's `GET /containers/{id}/stats`: the sample's own fields (``ResourceSample``: the `samples` table's
/// column names and units) and `time`, its `ts_ns` as RFC 3339.
public struct SampleView: Codable, Sendable, Equatable {
    public var sample: ResourceSample
    public var time: String

    private enum CodingKeys: String, CodingKey {
        case time
    }

    public init(_ sample: ResourceSample) {
        self.sample = sample
        time = Timestamp.rfc3339(unixNanos: sample.timeNanos)
    }

    public init(from decoder: any Decoder) throws {
        sample = try ResourceSample(from: decoder)
        time = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .time)
    }

    public func encode(to encoder: any Encoder) throws {
        try sample.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(time, forKey: .time)
    }
}
