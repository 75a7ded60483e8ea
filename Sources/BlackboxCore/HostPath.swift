import Foundation

/// Owner and mode of a path on this host, to judge whether a container user can write to a bind-mount source.
public struct HostPath: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    /// Permission bits (`0o755`).
    public var mode: UInt16
    /// What it is: `directory`, `file`, `socket`, `device`, `other` (symbolic links are followed).
    public var type: String

    public var isDirectory: Bool { type == "directory" }

    public init(uid: UInt32, gid: UInt32, mode: UInt16, type: String) {
        self.uid = uid
        self.gid = gid
        self.mode = mode
        self.type = type
    }

    /// The path's facts (following symbolic links); nil when it does not exist or cannot be read.
    public static func read(_ path: String) -> HostPath? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: (path as NSString).resolvingSymlinksInPath),
            let uid = attributes[.ownerAccountID] as? NSNumber, let gid = attributes[.groupOwnerAccountID] as? NSNumber,
            let mode = attributes[.posixPermissions] as? NSNumber
        else { return nil }
        return HostPath(uid: uid.uint32Value, gid: gid.uint32Value, mode: mode.uint16Value, type: Self.typeName(attributes[.type] as? FileAttributeType))
    }

    static func typeName(_ type: FileAttributeType?) -> String {
        switch type {
        case .typeDirectory: "directory"
        case .typeRegular: "file"
        case .typeSocket: "socket"
        case .typeCharacterSpecial, .typeBlockSpecial: "device"
        default: "other"
        }
    }

    /// Whether a process with this UID and primary GID may write to it (root always may).
    public func writable(uid: UInt32, gid: UInt32) -> Bool {
        if uid == 0 { return true }
        if uid == self.uid { return mode & 0o200 != 0 }
        if gid == self.gid { return mode & 0o020 != 0 }
        return mode & 0o002 != 0
    }

    /// `uid 0, gid 0, mode 0755, directory`, as ``HostLookups/pathOwner(_:)`` words it (recordings before the type
    /// was added end at the mode).
    public var description: String {
        let octal = String(mode, radix: 8)
        return "uid \(uid), gid \(gid), mode \(String(repeating: "0", count: max(0, 4 - octal.count)))\(octal), \(type)"
    }
}
