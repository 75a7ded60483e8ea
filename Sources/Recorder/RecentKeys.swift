/// The most recent `capacity` keys seen, oldest forgotten first: a bounded "seen lately" set.
actor RecentKeys {
    let capacity: Int
    private var keys: Set<String> = []
    private var order: [String] = []
    private var oldest = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Remembers `key`; returns false when it was already remembered.
    func insert(_ key: String) -> Bool {
        guard keys.insert(key).inserted else { return false }
        if order.count < capacity {
            order.append(key)
        } else {
            keys.remove(order[oldest])
            order[oldest] = key
            oldest = (oldest + 1) % capacity
        }
        return true
    }
}
