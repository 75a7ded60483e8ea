import Foundation

/// Owner and mode of a path on this host, to judge whether a container user can write to a bind-mount source.
public struct HostPath: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    /// Permission bits (`0o755`).
    public var mode: UInt16
    public var isDirectory: Bool

    public init(uid: UInt32, gid: UInt32, mode: UInt16, isDirectory: Bool) {
        self.uid = uid
        self.gid = gid
        self.mode = mode
        self.isDirectory = isDirectory
    }

    /// The path's facts (following symbolic links); nil when it does not exist or cannot be read.
    public static func read(_ path: String) -> HostPath? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: (path as NSString).resolvingSymlinksInPath),
            let uid = attributes[.ownerAccountID] as? NSNumber, let gid = attributes[.groupOwnerAccountID] as? NSNumber,
            let mode = attributes[.posixPermissions] as? NSNumber
        else { return nil }
        return HostPath(uid: uid.uint32Value, gid: gid.uint32Value, mode: mode.uint16Value, isDirectory: attributes[.type] as? FileAttributeType == .typeDirectory)
    }

    /// Whether a process with this UID and primary GID may write to it (root always may).
    public func writable(uid: UInt32, gid: UInt32) -> Bool {
        if uid == 0 { return true }
        if uid == self.uid { return mode & 0o200 != 0 }
        if gid == self.gid { return mode & 0o020 != 0 }
        return mode & 0o002 != 0
    }

    /// `uid 0, gid 0, mode 0755`, as ``HostLookups/pathOwner(_:)`` words it.
    public var description: String {
        let octal = String(mode, radix: 8)
        return "uid \(uid), gid \(gid), mode \(String(repeating: "0", count: max(0, 4 - octal.count)))\(octal)"
    }
}
